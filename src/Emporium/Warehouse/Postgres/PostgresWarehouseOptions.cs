namespace Emporium.Warehouse.Postgres;

/// <summary>Settings of the PostgreSQL (or Redshift-compatible) warehouse.</summary>
public sealed record PostgresWarehouseOptions
{
    /// <summary>Npgsql connection string (see <see cref="PostgresAddress"/> for the URI form).</summary>
    public required string ConnectionString { get; init; }

    /// <summary>Longest a user query may run (PostgreSQL <c>statement_timeout</c>). Default 30 s.</summary>
    public TimeSpan QueryTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Row cap for user queries when the caller passes no positive limit. Default 10 000.</summary>
    public int DefaultMaxRows { get; init; } = 10_000;

    /// <summary>Budget of a user query's result, in bytes of the JSON the API writes for its rows (estimated per value):
    /// reading stops at the first of this and the row cap, and the result says which cut it (<c>truncatedBy</c>). It
    /// bounds what one query holds in the process, whatever <c>maxRows</c> asked: a million rows of products were
    /// 353 MB of JSON and grew the server by over 1 GB. Default 64 MiB (about 140 000 rows of generated products).</summary>
    public long MaxResultBytes { get; init; } = 64L << 20;

    /// <summary>Role user queries run as (<c>SET LOCAL ROLE</c>): created NOLOGIN, NOSUPERUSER, with SELECT on the
    /// warehouse tables only. When the configured user may not create or assume it, queries run as the configured
    /// user and only the statement checks apply. Default <c>emporium_reader</c>.</summary>
    public string ReaderRole { get; init; } = "emporium_reader";

    /// <summary>How a commit sends its rows to the server before the set-based upsert or insert. Default
    /// <see cref="PostgresLoadMethod.BinaryCopy"/>, the fastest (see bench/results/scaleout-*); the row-insert
    /// methods are for servers or proxies that refuse <c>COPY FROM STDIN</c>, as Redshift does.</summary>
    public PostgresLoadMethod LoadMethod { get; init; } = PostgresLoadMethod.BinaryCopy;
}
