using System.Globalization;
using Emporium.Warehouse;

namespace Emporium.Tests.Marts;

/// <summary>Mart rows as text, one spelling per value whatever the engine's CLR type, so rows read from DuckDB and
/// from PostgreSQL compare equal when they hold the same values.</summary>
internal static class MartRowText
{
    /// <summary>Each row as one line, in the order the warehouse returned them.</summary>
    public static List<string> Rows(QueryResult result) =>
        result.Rows.Select(r => string.Join(" | ", r.Select(Text))).ToList();

    /// <summary>DATE is DateOnly in DuckDB and DateTime in Npgsql, integers may be long or decimal, doubles are
    /// compared to 9 significant digits.</summary>
    public static string Text(object? value) => value switch
    {
        null => "null",
        DateOnly d => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        DateTime t when t.TimeOfDay == TimeSpan.Zero => t.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        DateTime t => t.ToString("yyyy-MM-dd HH:mm:ss.ffffff", CultureInfo.InvariantCulture),
        double d => d.ToString("G9", CultureInfo.InvariantCulture),
        float f => ((double)f).ToString("G9", CultureInfo.InvariantCulture),
        decimal m when m == decimal.Truncate(m) => m.ToString("0", CultureInfo.InvariantCulture),
        decimal m => ((double)m).ToString("G9", CultureInfo.InvariantCulture),
        long or int or short => Convert.ToString(value, CultureInfo.InvariantCulture)!,
        _ => Convert.ToString(value, CultureInfo.InvariantCulture)!,
    };
}
