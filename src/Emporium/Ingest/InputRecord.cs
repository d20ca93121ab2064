using System.Text.Json;

namespace Emporium.Ingest;

/// <summary>One record of an ingest body: its position, and either the parsed object or why it could not be read.
/// <see cref="RawText"/> gives the original text (cut to a few KiB) for the dead-letter store; for parsed records it
/// is produced only when asked, since valid records never need it.</summary>
public sealed record InputRecord(int Index, JsonElement? Value, string? Error, string? Raw)
{
    public string RawText
    {
        get
        {
            var text = Raw ?? Value?.GetRawText() ?? "";
            return text.Length <= IngestBodyParser.MaxRawChars ? text : text[..IngestBodyParser.MaxRawChars];
        }
    }

    public static InputRecord Parsed(int index, JsonElement value) => new(index, value, null, null);

    public static InputRecord Broken(int index, string error, string raw) => new(index, null, error, raw);
}
