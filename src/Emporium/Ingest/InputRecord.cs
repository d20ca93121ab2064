using System.Text;
using System.Text.Json;
using Emporium.Datasets;

namespace Emporium.Ingest;

/// <summary>One record of an ingest body: its position, and either the UTF-8 of its JSON value (a slice of the body,
/// not a copy) or why it could not be read. An NDJSON line (<see cref="Line"/> &gt; 0) is checked as JSON only when it
/// is normalized, because one pass over its bytes does both (<see cref="IngestBodyParser.Normalize"/>).
/// <see cref="RawText"/> gives the original text (cut to a few KiB) for the dead-letter store; it is produced only
/// when asked, since valid records never need it.</summary>
public sealed class InputRecord
{
    private readonly string? _raw;

    private InputRecord(int index, ReadOnlyMemory<byte> json, int line, string? error, string? raw)
    {
        Index = index;
        Json = json;
        Line = line;
        Error = error;
        _raw = raw;
    }

    /// <summary>Position of the record in its request (0-based).</summary>
    public int Index { get; }

    /// <summary>The record's JSON (for an NDJSON line, the whole line, so that error positions count from its start);
    /// empty for a record that could not be read.</summary>
    public ReadOnlyMemory<byte> Json { get; }

    /// <summary>1-based NDJSON line whose JSON is not checked yet, or 0 for a value already checked by the parser.</summary>
    public int Line { get; }

    /// <summary>Why the record could not be read, or null.</summary>
    public string? Error { get; }

    public string RawText
    {
        get
        {
            return DeadLetter.Cut(_raw ?? Encoding.UTF8.GetString(Json.Span.Trim(" \t\r\n"u8)));
        }
    }

    /// <summary>The record as a document, for the few routes that need one (parsed on every call); null when the
    /// record could not be read. Throws <see cref="JsonException"/> for an NDJSON line that is not JSON.</summary>
    public JsonElement? ToElement()
    {
        if (Error is not null)
        {
            return null;
        }
        var reader = new Utf8JsonReader(Json.Span);
        return JsonElement.ParseValue(ref reader);
    }

    /// <summary>A JSON value the parser has already checked.</summary>
    public static InputRecord Parsed(int index, ReadOnlyMemory<byte> json) => new(index, json, 0, null, null);

    /// <summary>A checked JSON value a route rewrote before normalizing (the seed route's date as an instant); a dead
    /// letter of it keeps <paramref name="original"/>, the text the client sent.</summary>
    public static InputRecord Rewritten(InputRecord original, ReadOnlyMemory<byte> json) => new(original.Index, json, 0, null, original.RawText);

    /// <summary>An NDJSON line, valid UTF-8 but not yet checked as JSON.</summary>
    public static InputRecord FromLine(int index, int line, ReadOnlyMemory<byte> json) => new(index, json, line, null, null);

    public static InputRecord Broken(int index, string error, string raw) => new(index, ReadOnlyMemory<byte>.Empty, 0, error, raw);
}
