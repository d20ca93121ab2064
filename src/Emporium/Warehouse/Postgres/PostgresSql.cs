using Emporium.Datasets;
using NpgsqlTypes;

namespace Emporium.Warehouse.Postgres;

/// <summary>PostgreSQL spellings of identifiers and the canonical column types (types Redshift also has).</summary>
internal static class PostgresSql
{
    public const string OffsetsTable = "_emporium_offsets";

    public static string Quote(string identifier) => "\"" + identifier.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    public static string TypeOf(ColumnType type) => type switch
    {
        ColumnType.Text => "TEXT",
        ColumnType.Integer => "BIGINT",
        ColumnType.Double => "DOUBLE PRECISION",
        ColumnType.Boolean => "BOOLEAN",
        ColumnType.Timestamp => "TIMESTAMP",
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, null),
    };

    public static NpgsqlDbType DbTypeOf(ColumnType type) => type switch
    {
        ColumnType.Text => NpgsqlDbType.Text,
        ColumnType.Integer => NpgsqlDbType.Bigint,
        ColumnType.Double => NpgsqlDbType.Double,
        ColumnType.Boolean => NpgsqlDbType.Boolean,
        ColumnType.Timestamp => NpgsqlDbType.Timestamp,
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, null),
    };

    /// <summary>Converts a canonical value to the CLR type binary COPY expects for the column. Timestamps are UTC
    /// wall-clock values stored in <c>timestamp</c> (no zone), as in DuckDB.</summary>
    public static object ValueFor(ColumnType type, object value) => type switch
    {
        ColumnType.Text => value as string ?? Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture)!,
        ColumnType.Integer => Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture),
        ColumnType.Double => Convert.ToDouble(value, System.Globalization.CultureInfo.InvariantCulture),
        ColumnType.Boolean => Convert.ToBoolean(value, System.Globalization.CultureInfo.InvariantCulture),
        ColumnType.Timestamp => value switch
        {
            DateTimeOffset o => DateTime.SpecifyKind(o.UtcDateTime, DateTimeKind.Unspecified),
            DateTime { Kind: DateTimeKind.Local } t => DateTime.SpecifyKind(t.ToUniversalTime(), DateTimeKind.Unspecified),
            DateTime t => DateTime.SpecifyKind(t, DateTimeKind.Unspecified),
            _ => throw new InvalidOperationException($"cannot store a {value.GetType().Name} in a timestamp column"),
        },
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, null),
    };
}
