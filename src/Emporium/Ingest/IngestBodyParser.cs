using System.Buffers;
using System.Text;
using System.Text.Json;
using System.Text.Unicode;

namespace Emporium.Ingest;

/// <summary>Splits an ingest body into records with <see cref="Utf8JsonReader"/>, without building a document for
/// the whole body. JSON bodies are all-or-nothing (a syntax error anywhere is a 400 with its line and byte);
/// NDJSON lines stand alone, so one bad line rejects only that record.</summary>
public static class IngestBodyParser
{
    /// <summary>Dead letters keep at most this many characters of the original record.</summary>
    public const int MaxRawChars = 8192;

    private static readonly JsonReaderOptions ReaderOptions = new() { AllowMultipleValues = true, MaxDepth = 64 };

    public static IReadOnlyList<InputRecord> Parse(ReadOnlySpan<byte> body, BodyFormat format)
    {
        if (body.StartsWith(Encoding.UTF8.Preamble))
        {
            body = body[Encoding.UTF8.Preamble.Length..];
        }
        return format == BodyFormat.NdJson ? ParseLines(body) : ParseJson(body);
    }

    private static List<InputRecord> ParseJson(ReadOnlySpan<byte> body)
    {
        if (FindInvalidUtf8(body) is { } bad)
        {
            var (line, column) = LineAndColumn(body, bad);
            throw new BodyParseException($"body is not valid UTF-8: invalid byte sequence at byte {bad} (line {line}, byte {column})");
        }
        var records = new List<InputRecord>();
        var reader = new Utf8JsonReader(body, ReaderOptions);
        var inArray = false;
        try
        {
            while (reader.Read())
            {
                switch (reader.TokenType)
                {
                    case JsonTokenType.StartArray when !inArray && reader.CurrentDepth == 0:
                        inArray = true;
                        continue;
                    case JsonTokenType.EndArray when inArray && reader.CurrentDepth == 0:
                        inArray = false;
                        continue;
                    case JsonTokenType.StartObject:
                        // JsonElement.ParseValue copies the value once into its own (unpooled) document; the previous
                        // JsonDocument.ParseValue + Clone copied it twice.
                        records.Add(InputRecord.Parsed(records.Count, JsonElement.ParseValue(ref reader)));
                        continue;
                    default:
                    {
                        var start = (int)reader.TokenStartIndex;
                        var kind = reader.TokenType;
                        reader.Skip();
                        records.Add(InputRecord.Broken(records.Count, $"expected a JSON object, got {Describe(kind)}", Raw(body[start..(int)reader.BytesConsumed])));
                        continue;
                    }
                }
            }
            if (inArray)
            {
                throw new BodyParseException($"body is not valid JSON: the array is not closed (at byte {body.Length})");
            }
        }
        catch (JsonException e)
        {
            throw new BodyParseException(
                $"body is not valid JSON at line {(e.LineNumber ?? 0) + 1}, byte {(e.BytePositionInLine ?? 0) + 1}: {FirstSentence(e.Message)}", e);
        }
        if (records.Count == 0)
        {
            throw new BodyParseException("body is empty: expected a JSON object, an array of objects or NDJSON lines");
        }
        return records;
    }

    private static List<InputRecord> ParseLines(ReadOnlySpan<byte> body)
    {
        var records = new List<InputRecord>();
        var lineNumber = 0;
        var offset = 0;
        // One vectorized check of the whole body; lines are checked one by one only when it fails.
        var allValid = System.Text.Unicode.Utf8.IsValid(body);
        while (offset < body.Length)
        {
            var rest = body[offset..];
            var newline = rest.IndexOf((byte)'\n');
            var line = newline >= 0 ? rest[..newline] : rest;
            var lineStart = offset;
            offset += newline >= 0 ? newline + 1 : rest.Length;
            lineNumber++;
            if (line.EndsWith("\r"u8))
            {
                line = line[..^1];
            }
            if (line.Trim(" \t"u8).IsEmpty)
            {
                continue;
            }
            if (!allValid && FindInvalidUtf8(line) is { } bad)
            {
                records.Add(InputRecord.Broken(records.Count,
                    $"line {lineNumber}: not valid UTF-8 (invalid byte sequence at byte {bad + 1} of the line, byte {lineStart + bad} of the body)",
                    Encoding.UTF8.GetString(line[..Math.Min(line.Length, MaxRawChars)])));
                continue;
            }
            try
            {
                var reader = new Utf8JsonReader(line);
                var value = JsonElement.ParseValue(ref reader);
                if (reader.Read())
                {
                    throw new JsonException($"unexpected content after the value at byte {reader.TokenStartIndex + 1}");
                }
                records.Add(value.ValueKind == JsonValueKind.Object
                    ? InputRecord.Parsed(records.Count, value)
                    : InputRecord.Broken(records.Count, $"line {lineNumber}: expected a JSON object, got {value.ValueKind.ToString().ToLowerInvariant()}", Raw(line)));
            }
            catch (JsonException e)
            {
                var where = e.BytePositionInLine is { } b ? $", byte {b + 1}" : "";
                records.Add(InputRecord.Broken(records.Count, $"line {lineNumber}{where}: not valid JSON: {FirstSentence(e.Message)}", Raw(line)));
            }
        }
        if (records.Count == 0)
        {
            throw new BodyParseException("body is empty: expected NDJSON, one JSON object per line");
        }
        return records;
    }

    /// <summary>Offset of the first invalid UTF-8 sequence, or null when the span is valid.</summary>
    public static int? FindInvalidUtf8(ReadOnlySpan<byte> bytes)
    {
        if (Utf8.IsValid(bytes))
        {
            return null;
        }
        Span<char> scratch = stackalloc char[1024];
        var consumed = 0;
        while (consumed < bytes.Length)
        {
            var status = Utf8.ToUtf16(bytes[consumed..], scratch, out var read, out _, replaceInvalidSequences: false, isFinalBlock: true);
            consumed += read;
            if (status == OperationStatus.InvalidData)
            {
                return consumed;
            }
            if (status == OperationStatus.Done)
            {
                break;
            }
        }
        return consumed;
    }

    private static (int Line, int Column) LineAndColumn(ReadOnlySpan<byte> body, int offset)
    {
        var before = body[..offset];
        var line = before.Count((byte)'\n') + 1;
        var lastNewline = before.LastIndexOf((byte)'\n');
        return (line, offset - lastNewline);
    }

    private static string Raw(ReadOnlySpan<byte> utf8)
    {
        var text = Encoding.UTF8.GetString(utf8);
        return text.Length <= MaxRawChars ? text : text[..MaxRawChars];
    }

    private static string Describe(JsonTokenType kind) => kind switch
    {
        JsonTokenType.StartArray => "an array",
        JsonTokenType.String => "a string",
        JsonTokenType.Number => "a number",
        JsonTokenType.True or JsonTokenType.False => "a boolean",
        JsonTokenType.Null => "null",
        _ => kind.ToString(),
    };

    private static string FirstSentence(string message)
    {
        var cut = message.IndexOf(" LineNumber:", StringComparison.Ordinal);
        return (cut > 0 ? message[..cut] : message).Trim();
    }
}
