using System.Text.Json;

namespace Emporium.Datasets;

/// <summary>Turns an input record in any of the accepted shapes (seed field names, camelCase, snake_case, dotted
/// CSV headers, string-typed numbers and booleans) into a canonical record, or says which field is wrong and why.
/// One implementation serves the stream path (JSON) and the batch path (CSV/XLSX rows as text), so both clean alike.</summary>
public interface IRecordNormalizer
{
    NormalizeResult Normalize(DatasetSchema schema, JsonElement input);

    NormalizeResult Normalize(DatasetSchema schema, IReadOnlyDictionary<string, string?> input);
}
