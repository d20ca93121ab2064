using System.Text.Json;
using Emporium.Batch.Formats;
using Emporium.Datasets;

namespace Emporium.Batch.Loading;

/// <summary>Feeds source rows to the shared <see cref="IRecordNormalizer"/> (the same cleaning as the stream path),
/// adding the request's constant fields where a row lacks them.</summary>
internal sealed class RowNormalizer(IRecordNormalizer normalizer, DatasetSchema schema, IReadOnlyDictionary<string, string>? constants)
{
    public NormalizeResult Normalize(SourceRow row)
    {
        if (constants is not { Count: > 0 })
        {
            return row.Fields is { } fields ? normalizer.Normalize(schema, fields) : normalizer.Normalize(schema, row.Json);
        }
        if (row.Fields is { } f)
        {
            var merged = new Dictionary<string, string?>(f, StringComparer.Ordinal);
            foreach (var (name, value) in constants)
            {
                if (!merged.TryGetValue(name, out var existing) || existing is null)
                {
                    merged[name] = value;
                }
            }
            return normalizer.Normalize(schema, merged);
        }
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            foreach (var property in row.Json.EnumerateObject())
            {
                property.WriteTo(writer);
            }
            foreach (var (name, value) in constants)
            {
                if (!row.Json.TryGetProperty(name, out var existing) || existing.ValueKind == JsonValueKind.Null)
                {
                    writer.WriteString(name, value);
                }
            }
            writer.WriteEndObject();
        }
        using var doc = JsonDocument.Parse(buffer.ToArray());
        return normalizer.Normalize(schema, doc.RootElement);
    }
}
