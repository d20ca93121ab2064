namespace Emporium.Warehouse;

/// <summary>Which SQL a warehouse speaks; mart definitions are generated per dialect from one source.</summary>
public enum SqlDialect
{
    DuckDb,
    /// <summary>PostgreSQL, kept to the subset Amazon Redshift also accepts.</summary>
    Postgres,
}
