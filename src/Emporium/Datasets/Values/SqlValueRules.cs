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
    // Digits and '-' only: a '-' out of place fails the TRY_CAST after it.
    private const string IntegerChars = "[-0-9]*";
    private const string IsoTimestamp = @"[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])([ T]([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\.[0-9]{1,6})?Z?)?";

    /// <summary>SQL for one column read as VARCHAR (<paramref name="raw"/>, an expression; an empty field is NULL or '').</summary>
    /// <returns><c>Fast</c>: a boolean expression, true when SQL converts the value exactly as the normalizer would and
    /// the normalizer would accept it. <c>Value</c>: the converted value, meaningful only where <c>Fast</c> holds.</returns>
    public static (string Fast, string Value) For(ColumnSchema column, string raw)
    {
        var value = $"nullif({raw}, '')";
        // Shapes are checked with the cheapest functions measured (on 1.4M values: a character-class regexp_full_match
        // ~0.06 s, TRY_CAST ~0.05 s, translate ~0.45 s, right(…, 1) ~0.19 s), since they run on every value of every row.
        var (shape, converted) = column.Type switch
        {
            ColumnType.Text => Text(column, value),
            // Plain digits, or digits ending in ".0…" short enough for a double to hold them exactly (17850.0).
            ColumnType.Integer => (
                $"CASE WHEN regexp_full_match({value}, '{IntegerChars}') THEN TRY_CAST({value} AS BIGINT) IS NOT NULL " +
                $"WHEN regexp_full_match({value}, '{IntegerChars}[.]{IntegerChars}') THEN length({value}) <= 16 AND TRY_CAST({value} AS DOUBLE) = TRY_CAST(split_part({value}, '.', 1) AS BIGINT) ELSE false END",
                $"CAST(split_part({value}, '.', 1) AS BIGINT)"),
            // Digits, one optional '-' and '.': both sides round such text to the nearest double.
            ColumnType.Double => ($"length({value}) <= 40 AND regexp_full_match({value}, '[-.0-9]+') AND TRY_CAST({value} AS DOUBLE) IS NOT NULL", $"CAST({value} AS DOUBLE)"),
            ColumnType.Boolean => (OneOf(value, "true", "True", "TRUE", "false", "False", "FALSE", "1", "0"), OneOf(value, "true", "True", "TRUE", "1")),
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

    /// <summary>Whether <paramref name="value"/> is one of <paramref name="texts"/> (NULL for NULL), as a chain of ORs: DuckDB
    /// may plan an IN list of constants as a hash join (it did the eight spellings of a boolean), which does not keep
    /// the rows in file order, and the bulk path numbers rows by their place in the staged table.</summary>
    private static string OneOf(string value, params string[] texts) =>
        "(" + string.Join(" OR ", texts.Select(t => $"{value} = '{t}'")) + ")";

    private static (string Shape, string Value) Text(ColumnSchema column, string value)
    {
        // Trimming changes nothing when both ends are printable ASCII (other ends, whitespace or not, are left to .NET).
        var first = $"ascii({value}) BETWEEN 33 AND 126";
        // The last code point, as right(…, 1) gives it, at a third of right's cost.
        var last = $"ascii(substring({value}, length({value}), 1)) BETWEEN 33 AND 126";
        return column.Text switch
        {
            // Only whitespace-only text changes (to null), and text with a printable end is not whitespace-only.
            TextStyle.Verbatim => ($"({first} OR {last})", value),
            // All ASCII (as many bytes as characters): invariant lower-casing equals DuckDB's lower() there.
            TextStyle.TrimLower => ($"{first} AND {last} AND strlen({value}) = length({value})", $"lower({value})"),
            _ => ($"{first} AND {last}", value),
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
