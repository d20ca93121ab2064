using System.Text.Json;

namespace Emporium.Ingest;

/// <summary>One record of an ingest body: its position, and either the parsed object or why it could not be read.
/// <paramref name="Raw"/> keeps the original text (possibly cut) for the dead-letter store.</summary>
public sealed record InputRecord(int Index, JsonElement? Value, string? Error, string Raw)
{
    public static InputRecord Parsed(int index, JsonElement value, string raw) => new(index, value, null, raw);

    public static InputRecord Broken(int index, string error, string raw) => new(index, null, error, raw);
}
