namespace Emporium.Batch.Formats;

/// <summary>Quoting for SQL Emporium writes itself (paths and names in DuckDB table functions).</summary>
internal static class SqlText
{
    public static string Literal(string value) => "'" + value.Replace("'", "''", StringComparison.Ordinal) + "'";

    public static string Identifier(string name) => "\"" + name.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
}
