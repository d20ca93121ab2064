using System.Globalization;

namespace Emporium.Warehouse;

/// <summary>SQL literals that read the same in DuckDB and PostgreSQL/Redshift, for trusted statements built by
/// Emporium (the warehouse interface takes SQL text, not parameters).</summary>
public static class SqlLiteral
{
    public static string Text(string value) => "'" + value.Replace("'", "''", StringComparison.Ordinal) + "'";

    public static string Timestamp(DateTime utc) => $"TIMESTAMP '{utc.ToString("yyyy-MM-dd HH:mm:ss.ffffff", CultureInfo.InvariantCulture)}'";

    public static string Day(DateOnly day) => Timestamp(day.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc));
}
