using System.Buffers;
using System.Text;
using System.Text.Json;
using System.Text.Unicode;
using Emporium.Datasets;
using Emporium.Diagnostics;

namespace Emporium.Ingest;

/// <summary>Splits an ingest body into records without building a document: records are slices of the body.
/// JSON bodies are all-or-nothing (a syntax error anywhere is a 400 with its line and byte), so they are checked
/// here; NDJSON lines stand alone, so one bad line rejects only that record, and a line is checked as JSON by the
/// same reader pass that normalizes it (<see cref="Normalize"/>).</summary>
public static class IngestBodyParser
{
    private static readonly JsonReaderOptions ReaderOptions = new() { AllowMultipleValues = true, MaxDepth = 64 };

    /// <summary>The records of a body. They are slices of <paramref name="body"/>, which must stay unchanged while
    /// they are in use.</summary>
    public static IReadOnlyList<InputRecord> Parse(ReadOnlyMemory<byte> body, BodyFormat format)
    {
        if (body.Span.StartsWith(Encoding.UTF8.Preamble))
        {
            body = body[Encoding.UTF8.Preamble.Length..];
        }
        return format == BodyFormat.NdJson ? ParseLines(body) : ParseJson(body);
    }

    /// <summary>Reads and normalizes one record in a single pass over its bytes. Returns null, with the reason in
    /// <paramref name="unreadable"/>, for a record that is not a readable JSON object (an NDJSON line that is not
    /// JSON, or not an object, or a record the parser already found broken).</summary>
    public static NormalizeResult? Normalize(InputRecord input, DatasetSchema schema, IRecordNormalizer normalizer, out string? unreadable)
    {
        if (input.Error is not null)
        {
            unreadable = input.Error;
            return null;
        }
        unreadable = null;
        var reader = new Utf8JsonReader(input.Json.Span);
        try
        {
            if (!reader.Read())
            {
                throw new JsonException("the line holds no JSON value");
            }
            NormalizeResult? result = null;
            var kind = reader.TokenType;
            if (kind == JsonTokenType.StartObject)
            {
                result = normalizer.Normalize(schema, ref reader);
            }
            else
            {
                reader.Skip();
            }
            if (reader.Read())
            {
                throw new JsonException($"unexpected content after the value at byte {reader.TokenStartIndex + 1}");
            }
            if (result is null)
            {
                unreadable = $"line {input.Line}: expected a JSON object, got {Describe(kind)}";
            }
            return result;
        }
        catch (JsonException e) when (input.Line > 0)
        {
            var where = e.BytePositionInLine is { } b ? $", byte {b + 1}" : "";
            unreadable = $"line {input.Line}{where}: not valid JSON: {JsonErrorText.FirstSentence(e.Message)}";
            return null;
        }
    }

    private static List<InputRecord> ParseJson(ReadOnlyMemory<byte> memory)
    {
        var body = memory.Span;
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
                    {
                        // Checked here (the whole body must be valid), read again when normalized: no copy, no document.
                        var start = (int)reader.TokenStartIndex;
                        reader.Skip();
                        records.Add(InputRecord.Parsed(records.Count, memory[start..(int)reader.BytesConsumed]));
                        continue;
                    }
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
                $"body is not valid JSON at line {(e.LineNumber ?? 0) + 1}, byte {(e.BytePositionInLine ?? 0) + 1}: {JsonErrorText.FirstSentence(e.Message)}", e);
        }
        if (records.Count == 0)
        {
            throw new BodyParseException(body.Trim(" \t\r\n"u8).Length == 0
                ? "body is empty: expected a JSON object, an array of objects or NDJSON lines"
                : "body holds no records (an empty array): expected a JSON object, an array of objects or NDJSON lines");
        }
        return records;
    }

    private static List<InputRecord> ParseLines(ReadOnlyMemory<byte> memory)
    {
        var body = memory.Span;
        var records = new List<InputRecord>();
        var lineNumber = 0;
        var offset = 0;
        // One vectorized check of the whole body; lines are checked one by one only when it fails.
        var allValid = Utf8.IsValid(body);
        // Lines end at LF (a CRLF's CR is dropped); a body with no LF at all ends them at CR, as classic Mac files
        // do. Deciding once for the body keeps a lone CR inside an LF line (in a string, which JSON forbids
        // unescaped) an error of that record, rather than a split into two broken ones.
        var lineEnd = body.Contains((byte)'\n') ? (byte)'\n' : (byte)'\r';
        while (offset < body.Length)
        {
            var rest = body[offset..];
            var newline = rest.IndexOf(lineEnd);
            var length = newline >= 0 ? newline : rest.Length;
            var lineStart = offset;
            offset += newline >= 0 ? newline + 1 : rest.Length;
            lineNumber++;
            if (lineEnd == (byte)'\n' && length > 0 && rest[length - 1] == (byte)'\r')
            {
                length--;
            }
            var line = rest[..length];
            if (line.Trim(" \t"u8).IsEmpty)
            {
                continue;
            }
            if (!allValid && FindInvalidUtf8(line) is { } bad)
            {
                records.Add(InputRecord.Broken(records.Count,
                    $"line {lineNumber}: not valid UTF-8 (invalid byte sequence at byte {bad + 1} of the line, byte {lineStart + bad} of the body)",
                    Encoding.UTF8.GetString(line[..Math.Min(line.Length, DeadLetter.MaxRawChars)])));
                continue;
            }
            records.Add(InputRecord.FromLine(records.Count, lineNumber, memory.Slice(lineStart, length)));
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
        return DeadLetter.Cut(Encoding.UTF8.GetString(utf8));
    }

    /// <summary>A value's kind as errors name it, in a JSON array and on an NDJSON line alike ("got an array").</summary>
    private static string Describe(JsonTokenType kind) => kind switch
    {
        JsonTokenType.StartArray => "an array",
        JsonTokenType.String => "a string",
        JsonTokenType.Number => "a number",
        JsonTokenType.True or JsonTokenType.False => "a boolean",
        JsonTokenType.Null => "null",
        _ => kind.ToString(),
    };
}
