namespace Emporium.Sources.Postgres;

/// <summary>Where and what to extract from a PostgreSQL source (seed 004's <c>retail.user_purchase</c>).</summary>
public sealed record PostgresSourceOptions
{
    /// <summary>Npgsql connection string, normally from <c>EMPORIUM__SOURCES__POSTGRES__CONNECTIONSTRING</c>. Required.</summary>
    public string ConnectionString { get; init; } = "";

    /// <summary>Table to extract (optionally schema-qualified). Used when <see cref="Query"/> is null.
    /// Default <c>retail.user_purchase</c>.</summary>
    public string Table { get; init; } = "retail.user_purchase";

    /// <summary>Timestamp or date column whose calendar day selects the rows of <c>ds</c> when extracting a table.
    /// Default <c>invoice_date</c>.</summary>
    public string DateColumn { get; init; } = "invoice_date";

    /// <summary>A SELECT to extract instead of a table; the token <c>{ds}</c> becomes the run date as a SQL date literal
    /// (COPY cannot take bind parameters). Default null.</summary>
    public string? Query { get; init; }

    /// <summary>Stage dataset name: files land in <c>stage/&lt;name&gt;/ds=…/</c>. Default <c>user_purchase</c>.</summary>
    public string StageName { get; init; } = "user_purchase";
}
