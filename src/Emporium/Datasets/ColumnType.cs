namespace Emporium.Datasets;

/// <summary>Logical column types shared by every warehouse and lake backend.</summary>
public enum ColumnType
{
    /// <summary>UTF-8 text (DuckDB VARCHAR, PostgreSQL text).</summary>
    Text,
    /// <summary>64-bit integer (BIGINT).</summary>
    Integer,
    /// <summary>IEEE double (DOUBLE / double precision).</summary>
    Double,
    /// <summary>Boolean.</summary>
    Boolean,
    /// <summary>Instant in UTC (TIMESTAMP / timestamp without time zone, always UTC).</summary>
    Timestamp,
}
