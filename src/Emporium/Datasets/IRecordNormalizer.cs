using System.Text.Json;

namespace Emporium.Datasets;

/// <summary>Turns an input record in any of the accepted shapes (seed field names, camelCase, snake_case, dotted
/// CSV headers, string-typed numbers and booleans) into a canonical record, or says which field is wrong and why.
/// One implementation serves the stream path (JSON) and the batch path (CSV/XLSX rows as text), so both clean alike.</summary>
public interface IRecordNormalizer
{
    NormalizeResult Normalize(DatasetSchema schema, JsonElement input);

    NormalizeResult Normalize(DatasetSchema schema, IReadOnlyDictionary<string, string?> input);

    /// <summary>Normalizes the JSON object the reader is on (its start token), leaving the reader on the object's end
    /// token. Ingest calls this with the request's own bytes, so reading and normalizing are one pass; malformed JSON
    /// throws <see cref="JsonException"/>. The default builds a document for <see cref="Normalize(DatasetSchema, JsonElement)"/>.</summary>
    NormalizeResult Normalize(DatasetSchema schema, ref Utf8JsonReader reader) => Normalize(schema, JsonElement.ParseValue(ref reader));
}
