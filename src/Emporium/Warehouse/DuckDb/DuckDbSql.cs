using System.Globalization;
using Emporium.Datasets;

namespace Emporium.Warehouse.DuckDb;

/// <summary>DuckDB spellings of identifiers, literals and the canonical column types.</summary>
internal static class DuckDbSql
{
    public const string OffsetsTable = "_emporium_offsets";

    public static string Quote(string identifier) => "\"" + identifier.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    public static string Literal(string value) => "'" + value.Replace("'", "''", StringComparison.Ordinal) + "'";

    public static string Literal(long value) => value.ToString(CultureInfo.InvariantCulture);

    public static string TypeOf(ColumnType type) => type switch
    {
        ColumnType.Text => "VARCHAR",
        ColumnType.Integer => "BIGINT",
        ColumnType.Double => "DOUBLE",
        ColumnType.Boolean => "BOOLEAN",
        ColumnType.Timestamp => "TIMESTAMP",
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, null),
    };
}
