using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;

namespace Emporium.Datasets.Values;

/// <summary>Converts one input value (a JSON value, or text from a CSV/XLSX cell) to the column's type, applying the
/// column's cleaning and range rules. Numbers may arrive as JSON numbers or as text, booleans as JSON booleans, text or
/// 1/0. Never throws on bad input: returns an error that says what was expected and what came.</summary>
public static class ValueConverter
{
    /// <summary>Longest JSON string decoded on the stack (numbers, booleans, timestamps are short; the buffer is
    /// zeroed on every call, so it stays small).</summary>
    private const int StackLimit = 64;
    private const int MaxShownLength = 60;

    public static ConvertedValue Convert(ColumnSchema column, string? text) =>
        text is null ? ConvertedValue.Empty : column.Type == ColumnType.Text ? CleanText(column, text) : FromText(column, text.AsSpan());

    /// <summary>Converts a JSON value by reading its bytes (so a document value and a streamed one follow the same rules).</summary>
    public static ConvertedValue Convert(ColumnSchema column, JsonElement value)
    {
        if (value.ValueKind == JsonValueKind.Undefined)
        {
            return ConvertedValue.Empty;
        }
        var reader = new Utf8JsonReader(JsonMarshal.GetRawUtf8Value(value));
        reader.Read();
        return Convert(column, ref reader);
    }

    /// <summary>Converts the JSON value whose first token the reader is on, leaving the reader on the value's last
    /// token (an object or array given for a scalar column is skipped whole and reported).</summary>
    public static ConvertedValue Convert(ColumnSchema column, ref Utf8JsonReader reader)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.Null:
                return ConvertedValue.Empty;
            case JsonTokenType.String:
                if (column.Type == ColumnType.Text)
                {
                    return CleanText(column, reader.GetString()!);
                }
                return FromJsonString(column, ref reader);
            case JsonTokenType.Number:
                return FromJsonNumber(column, ref reader);
            case JsonTokenType.True:
            case JsonTokenType.False:
            {
                var flag = reader.TokenType == JsonTokenType.True;
                return column.Type switch
                {
                    ColumnType.Boolean => ConvertedValue.Of(Box(flag)),
                    ColumnType.Text => ConvertedValue.Of(flag ? "true" : "false"),
                    _ => ConvertedValue.Fail($"expected {Expected(column)}, got {(flag ? "true" : "false")}"),
                };
            }
            default:
            {
                var got = reader.TokenType == JsonTokenType.StartObject ? "an object" : "an array";
                reader.Skip();
                return ConvertedValue.Fail($"expected {Expected(column)}, got {got}");
            }
        }
    }

    /// <summary>The type a column expects, as written in error messages.</summary>
    public static string Expected(ColumnSchema column) => column.Type switch
    {
        ColumnType.Text => "text",
        ColumnType.Integer => "an integer",
        ColumnType.Double => "a number",
        ColumnType.Boolean => "a boolean (true/false, 1/0)",
        ColumnType.Timestamp => $"a timestamp ({TimestampParser.Describe(column.SlashDates)})",
        _ => column.Type.ToString(),
    };

    private static ConvertedValue FromJsonNumber(ColumnSchema column, ref Utf8JsonReader reader)
    {
        switch (column.Type)
        {
            case ColumnType.Integer:
                if (reader.TryGetInt64(out var l))
                {
                    return Integer(column, l);
                }
                if (reader.TryGetDouble(out var whole) && NumberParser.FromDouble(whole, out l) == ParseStatus.Ok)
                {
                    return Integer(column, l);
                }
                // 1e20 is an integer, only not one a column holds: "expected an integer" would puzzle.
                return ConvertedValue.Fail(double.IsFinite(whole) && Math.Floor(whole) == whole
                    ? $"out of range for an integer, got {RawText(ref reader)}"
                    : $"expected an integer, got {RawText(ref reader)}");
            case ColumnType.Double:
                return reader.TryGetDouble(out var d) && double.IsFinite(d)
                    ? Double(column, d)
                    : ConvertedValue.Fail($"expected a number, got {RawText(ref reader)}");
            case ColumnType.Boolean:
                if (reader.TryGetInt64(out var flag) && flag is 0 or 1)
                {
                    return ConvertedValue.Of(Box(flag == 1));
                }
                return ConvertedValue.Fail($"expected {Expected(column)}, got {RawText(ref reader)}");
            case ColumnType.Timestamp:
                return reader.TryGetDouble(out var unix) && TimestampParser.FromUnix(unix, out var t) == ParseStatus.Ok
                    ? ConvertedValue.Of(t)
                    : ConvertedValue.Fail($"expected {Expected(column)}, got {RawText(ref reader)}");
            default:
                return CleanText(column, RawText(ref reader));
        }
    }

    /// <summary>A number token as written (numbers have no escapes, so the raw bytes are the text).</summary>
    private static string RawText(ref Utf8JsonReader reader) => Encoding.UTF8.GetString(reader.ValueSpan);

    private static ConvertedValue FromJsonString(ColumnSchema column, ref Utf8JsonReader reader)
    {
        // Without escapes the raw bytes are the value: decode on the stack instead of allocating a string.
        var raw = reader.ValueSpan;
        if (raw.Length <= StackLimit && !reader.ValueIsEscaped)
        {
            Span<char> chars = stackalloc char[StackLimit];
            if (Encoding.UTF8.TryGetChars(raw, chars, out var n))
            {
                return FromText(column, chars[..n]);
            }
        }
        return FromText(column, reader.GetString().AsSpan());
    }

    private static ConvertedValue FromText(ColumnSchema column, ReadOnlySpan<char> text)
    {
        switch (column.Type)
        {
            case ColumnType.Integer:
                return NumberParser.TryParseInteger(text, column.Format, out var l) switch
                {
                    ParseStatus.Ok => Integer(column, l),
                    ParseStatus.Empty => NoValue(column, text),
                    _ => ConvertedValue.Fail($"expected an integer, got {Show(text)}"),
                };
            case ColumnType.Double:
                return NumberParser.TryParseDouble(text, out var d) switch
                {
                    ParseStatus.Ok => Double(column, d),
                    ParseStatus.Empty => NoValue(column, text),
                    _ => ConvertedValue.Fail($"expected a number, got {Show(text)}"),
                };
            case ColumnType.Boolean:
                return BooleanParser.TryParse(text, out var b) switch
                {
                    ParseStatus.Ok => ConvertedValue.Of(Box(b)),
                    ParseStatus.Empty => NoValue(column, text),
                    _ => ConvertedValue.Fail($"expected {Expected(column)}, got {Show(text)}"),
                };
            case ColumnType.Timestamp:
                return TimestampParser.TryParse(text, column.SlashDates, out var t) switch
                {
                    ParseStatus.Ok => ConvertedValue.Of(t),
                    ParseStatus.Empty => NoValue(column, text),
                    _ => ConvertedValue.Fail($"expected {Expected(column)}, got {Show(text)}"),
                };
            default:
                return CleanText(column, text.ToString());
        }
    }

    /// <summary>Text a typed column reads as no value (blank or a <see cref="NullTokens">null token</see>). A required
    /// column keeps what was sent for its error; other columns take no value silently, so nothing is allocated.</summary>
    private static ConvertedValue NoValue(ColumnSchema column, ReadOnlySpan<char> text) =>
        column.Required && !text.Trim().IsEmpty ? ConvertedValue.Empty with { SentAsNoValue = Show(text) } : ConvertedValue.Empty;

    private static ConvertedValue CleanText(ColumnSchema column, string text)
    {
        var span = text.AsSpan();
        if (span.Contains('\0'))
        {
            // PostgreSQL's text cannot hold it: accepted, it failed every commit of the batch it was in, and the
            // stream stopped behind it.
            return ConvertedValue.Fail("contains a NUL character (U+0000), which text cannot hold");
        }
        var trimmed = span.Trim();
        if (trimmed.IsEmpty)
        {
            return ConvertedValue.Empty;
        }
        return column.Text switch
        {
            TextStyle.Verbatim => ConvertedValue.Of(text),
            TextStyle.TrimLower => ConvertedValue.Of(IsLower(trimmed) && trimmed.Length == span.Length ? text : trimmed.ToString().ToLowerInvariant()),
            _ => ConvertedValue.Of(trimmed.Length == span.Length ? text : trimmed.ToString()),
        };
    }

    private static ConvertedValue Integer(ColumnSchema column, long value)
    {
        if (OutOfRange(column, value) is { } error)
        {
            return ConvertedValue.Fail(error);
        }
        return value == 0 && column.ZeroMeansMissing ? ConvertedValue.Empty : ConvertedValue.Of(value);
    }

    private static ConvertedValue Double(ColumnSchema column, double value)
    {
        if (OutOfRange(column, value) is { } error)
        {
            return ConvertedValue.Fail(error);
        }
        return value == 0 && column.ZeroMeansMissing ? ConvertedValue.Empty : ConvertedValue.Of(value);
    }

    private static string? OutOfRange(ColumnSchema column, double value)
    {
        var below = column.Min is { } min && value < min;
        var above = column.Max is { } max && value > max;
        if (!below && !above)
        {
            return null;
        }
        var shown = value.ToString("R", System.Globalization.CultureInfo.InvariantCulture);
        return (column.Min, column.Max) switch
        {
            ({ } lo, { } hi) => $"out of range: expected {Fmt(lo)} to {Fmt(hi)}, got {shown}",
            ({ } lo, null) => $"out of range: expected >= {Fmt(lo)}, got {shown}",
            (null, { } hi) => $"out of range: expected <= {Fmt(hi)}, got {shown}",
            _ => null,
        };
    }

    private static string Fmt(double bound) => bound.ToString("R", System.Globalization.CultureInfo.InvariantCulture);

    private static bool IsLower(ReadOnlySpan<char> s)
    {
        foreach (var c in s)
        {
            if (char.IsUpper(c))
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>A value quoted for an error message, cut short when long.</summary>
    private static string Show(ReadOnlySpan<char> text) =>
        text.Length <= MaxShownLength ? $"\"{text}\"" : $"\"{text[..MaxShownLength]}…\" ({text.Length} characters)";

    private static readonly object True = true;
    private static readonly object False = false;

    private static object Box(bool value) => value ? True : False;
}
