using System.Globalization;

namespace Emporium.Datasets.Values;

/// <summary>The part of <see cref="ValueConverter"/> that DuckDB SQL can do with exactly the same result, generated
/// from the same <see cref="ColumnSchema"/> (type, text style, range, zero-means-missing), for bulk loads that let
/// DuckDB parse a file. For each column it gives a predicate, "this raw text has a plain shape whose conversion SQL
/// gets right", and the converted value. A row with any value outside those shapes (a currency sign, an approximate
/// count, a slash date, padding to trim, an out-of-range number, a missing required value…) is not converted in
/// SQL at all: it goes to <see cref="ValueConverter"/> through the normalizer, which either cleans it or rejects it
/// with its reason. So the rules and their error messages have one definition, and SQL only takes the common case.
/// </summary>
public static class SqlValueRules
{
    // What .NET's char.IsWhiteSpace trims (ASCII controls 9-13, space, U+0085 and the Unicode separators), as RE2.
    private const string WhiteSpace = @"[\t\n\v\f\r \x{85}\p{Z}]";
    private const string PlainInteger = @"-?[0-9]{1,18}(\.0+)?";
    private const string PlainDouble = @"-?[0-9]{1,20}(\.[0-9]{1,20})?";
    private const string IsoTimestamp = @"[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])([ T]([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\.[0-9]{1,6})?Z?)?";

    /// <summary>SQL for one column read as VARCHAR (<paramref name="raw"/>, an expression; an empty field is NULL or '').</summary>
    /// <returns><c>Fast</c>: a boolean expression, true when SQL converts the value exactly as the normalizer would and
    /// the normalizer would accept it. <c>Value</c>: the converted value, meaningful only where <c>Fast</c> holds.</returns>
    public static (string Fast, string Value) For(ColumnSchema column, string raw)
    {
        var value = $"nullif({raw}, '')";
        var (shape, converted) = column.Type switch
        {
            ColumnType.Text => Text(column, value),
            ColumnType.Integer => ($"regexp_full_match({value}, '{PlainInteger}')", $"CAST(split_part({value}, '.', 1) AS BIGINT)"),
            ColumnType.Double => ($"regexp_full_match({value}, '{PlainDouble}')", $"CAST({value} AS DOUBLE)"),
            ColumnType.Boolean => ($"{value} IN ('true', 'True', 'TRUE', 'false', 'False', 'FALSE', '1', '0')", $"({value} IN ('true', 'True', 'TRUE', '1'))"),
            ColumnType.Timestamp => ($"regexp_full_match({value}, '{IsoTimestamp}') AND TRY_CAST({value} AS TIMESTAMP) IS NOT NULL", $"CAST({value} AS TIMESTAMP)"),
            _ => throw new ArgumentOutOfRangeException(nameof(column), column.Type, null),
        };
        var range = Range(column, converted);
        if (range is not null)
        {
            // AND does not short-circuit in SQL: the range is only evaluated on values of the right shape.
            shape = $"CASE WHEN {shape} THEN {range} ELSE false END";
        }
        if (column.ZeroMeansMissing && column.Type is ColumnType.Integer or ColumnType.Double)
        {
            converted = $"nullif({converted}, 0)";
        }
        // A missing value is fine unless the column is required: then the normalizer says so.
        var fast = column.Required ? $"coalesce({shape}, false)" : $"({value} IS NULL OR coalesce({shape}, false))";
        return (fast, converted);
    }

    private static (string Shape, string Value) Text(ColumnSchema column, string value)
    {
        // Only the first and last characters decide whether trimming changes anything.
        var edges = $"left({value}, 1) || right({value}, 1)";
        return column.Text switch
        {
            // Whitespace-only text becomes null; text that starts or ends with a non-blank cannot be whitespace-only.
            TextStyle.Verbatim => ($"NOT regexp_full_match({edges}, '{WhiteSpace}+')", value),
            // Invariant lower-casing equals DuckDB's lower() on ASCII; anything else is left to .NET.
            TextStyle.TrimLower => ($"NOT regexp_matches({edges}, '{WhiteSpace}') AND NOT regexp_matches({value}, '[^\\x00-\\x7F]')", $"lower({value})"),
            _ => ($"NOT regexp_matches({edges}, '{WhiteSpace}')", value),
        };
    }

    private static string? Range(ColumnSchema column, string value)
    {
        if (column.Type is not (ColumnType.Integer or ColumnType.Double))
        {
            return null;
        }
        var checks = new List<string>();
        if (column.Min is { } min)
        {
            checks.Add($"{value} >= {Number(min)}");
        }
        if (column.Max is { } max)
        {
            checks.Add($"{value} <= {Number(max)}");
        }
        return checks.Count == 0 ? null : string.Join(" AND ", checks);
    }

    private static string Number(double bound) => bound.ToString("R", CultureInfo.InvariantCulture);
}
