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
    /// <param name="typed">The name under which the caller computes <c>Typed</c> once per row, in a projection below the
    /// one that uses <c>Fast</c> and <c>Value</c>.</param>
    /// <returns><c>Typed</c>: the value as DuckDB's <c>TRY_CAST</c> converts it, shared by the check and the value (null
    /// when the type needs none). <c>Fast</c>: a boolean expression, true when SQL converts the value exactly as the
    /// normalizer would and the normalizer would accept it. <c>Value</c>: the converted value, meaningful only where
    /// <c>Fast</c> holds (it may fail elsewhere).</returns>
    /// <param name="key">The column is part of the dataset's key: a text longer than <see cref="DatasetSchema.MaxKeyBytes"/>
    /// (or than the column's own <see cref="ColumnSchema.MaxBytes"/>) is left to the normalizer, which rejects it.</param>
    public static (string? Typed, string Fast, string Value) For(ColumnSchema column, string raw, string typed, bool key = false)
    {
        var value = $"nullif({raw}, '')";
        // Shapes are checked with the cheapest functions measured (on 1.4M values: a character-class regexp_full_match
        // ~0.06 s, TRY_CAST ~0.05 s, translate ~0.45 s, right(…, 1) ~0.19 s), since they run on every value of every row.
        // A number or timestamp is cast once (Typed), not once for its check, again for its range and again for its
        // value.
        var (cast, shape, converted) = column.Type switch
        {
            // strlen counts bytes, as the limit does.
            ColumnType.Text => Text(column, value) is var text && (column.MaxBytes ?? (key ? DatasetSchema.MaxKeyBytes : null)) is { } max
                ? text with { Shape = $"{text.Shape} AND strlen({value}) <= {max}" } : text,
            ColumnType.Integer => Integer(column, value, typed),
            // Digits, one optional '-' and '.': both sides round such text to the nearest double. (Text of that shape is
            // ASCII, so strlen, which does not scan the text, counts its characters; AND with the regexp covers the rest.)
            ColumnType.Double => ($"TRY_CAST({value} AS DOUBLE)",
                $"strlen({value}) <= 40 AND regexp_full_match({value}, '[-.0-9]+') AND {typed} IS NOT NULL{Range(column, typed)}", typed),
            ColumnType.Boolean => (null, OneOf(value, "true", "True", "TRUE", "false", "False", "FALSE", "1", "0"), OneOf(value, "true", "True", "TRUE", "1")),
            ColumnType.Timestamp => ($"TRY_CAST({value} AS TIMESTAMP)", $"regexp_full_match({value}, '{IsoTimestamp}') AND {typed} IS NOT NULL", typed),
            _ => throw new ArgumentOutOfRangeException(nameof(column), column.Type, null),
        };
        if (column.ZeroMeansMissing && column.Type is ColumnType.Integer or ColumnType.Double)
        {
            converted = $"nullif({converted}, 0)";
        }
        // A missing value is fine unless the column is required: then the normalizer says so.
        var fast = column.Required ? $"coalesce({shape}, false)" : $"({value} IS NULL OR coalesce({shape}, false))";
        return (cast, fast, converted);
    }

    /// <summary>Plain digits, or digits ending in ".0…" short enough for a double to hold them exactly (17850.0): the
    /// first take the cast (the regexp is still needed: the cast also reads "1_000", " 5" and "+5", and rounds "5.5" to
    /// 6), the second their integer part. A range is checked only inside the branch whose shape holds (AND does not
    /// short-circuit in SQL, and the integer part of another shape may not convert).</summary>
    private static (string? Cast, string Shape, string Value) Integer(ColumnSchema column, string value, string typed)
    {
        var whole = $"CAST(split_part({value}, '.', 1) AS BIGINT)";
        var decimalShape = $"length({value}) <= 16 AND TRY_CAST({value} AS DOUBLE) = TRY_CAST(split_part({value}, '.', 1) AS BIGINT)";
        var wholeRange = Range(column, whole);
        var decimalCheck = wholeRange.Length == 0 ? decimalShape : $"CASE WHEN {decimalShape} THEN true{wholeRange} ELSE false END";
        return ($"TRY_CAST({value} AS BIGINT)",
            $"CASE WHEN regexp_full_match({value}, '{IntegerChars}') THEN {typed} IS NOT NULL{Range(column, typed)} " +
            $"WHEN regexp_full_match({value}, '{IntegerChars}[.]{IntegerChars}') THEN {decimalCheck} ELSE false END",
            $"CASE WHEN strpos({value}, '.') = 0 THEN {typed} ELSE {whole} END");
    }

    /// <summary>Whether <paramref name="value"/> is one of <paramref name="texts"/> (NULL for NULL), as a chain of ORs: DuckDB
    /// may plan an IN list of constants as a hash join (it did the eight spellings of a boolean), which does not keep
    /// the rows in file order, and the bulk path numbers rows by their place in the staged table.</summary>
    private static string OneOf(string value, params string[] texts) =>
        "(" + string.Join(" OR ", texts.Select(t => $"{value} = '{t}'")) + ")";

    private static (string? Cast, string Shape, string Value) Text(ColumnSchema column, string value)
    {
        // Trimming changes nothing when both ends are printable ASCII (other ends, whitespace or not, are left to .NET).
        var first = $"ascii({value}) BETWEEN 33 AND 126";
        // The last code point, by a regexp anchored at the end: measured with the parse of the four text columns of 1.4M
        // products, 0.9–1.1 s of CPU against 1.3–1.6 s for ascii(substring(…, length(…), 1)), whose length() counts the
        // characters of the whole text.
        var last = $"regexp_matches({value}, '[!-~]$')";
        return column.Text switch
        {
            // Only whitespace-only text changes (to null), and text with a printable end is not whitespace-only.
            TextStyle.Verbatim => (null, $"({first} OR {last})", value),
            // All ASCII (as many bytes as characters): invariant lower-casing equals DuckDB's lower() there.
            TextStyle.TrimLower => (null, $"{first} AND {last} AND strlen({value}) = length({value})", $"lower({value})"),
            _ => (null, $"{first} AND {last}", value),
        };
    }

    /// <summary>The column's bounds on <paramref name="value"/>, as " AND …" to append to a check ("" when it has none).</summary>
    private static string Range(ColumnSchema column, string value)
    {
        var checks = "";
        if (column.Min is { } min)
        {
            checks += $" AND {value} >= {Number(min)}";
        }
        if (column.Max is { } max)
        {
            checks += $" AND {value} <= {Number(max)}";
        }
        return checks;
    }

    private static string Number(double bound) => bound.ToString("R", CultureInfo.InvariantCulture);
}
