using System.Text.Json;
using Emporium.Batch.Formats;
using Emporium.Datasets;

namespace Emporium.Batch.Loading;

/// <summary>Feeds source rows to the shared <see cref="IRecordNormalizer"/> (the same cleaning as the stream path),
/// adding the request's constant fields where a row lacks them. A row whose cell for a dataset column held an error
/// (<see cref="SourceRow.CellErrors"/>) is refused with it.</summary>
internal sealed class RowNormalizer(IRecordNormalizer normalizer, DatasetSchema schema, IReadOnlyDictionary<string, string>? constants)
{
    private readonly FieldNameMatcher matcher = FieldNameMatcher.For(schema);

    public NormalizeResult Normalize(SourceRow row)
    {
        if (row.CellErrors is { Count: > 0 } cellErrors
            && cellErrors.Where(e => matcher.TryMatch(e.Column, out _)).Select(e => new FieldError(e.Column, e.Error)).ToArray() is { Length: > 0 } refused)
        {
            return NormalizeResult.Fail(refused);
        }
        // A column the header repeats is given to the normalizer under its own name each time, as a JSON record's
        // repeated key is: the same rule (a value beats an empty one, two different values refuse the row) on every format.
        var sourceFields = row.Fields is FieldRow fieldRow ? fieldRow.BySourceName() : row.Fields;
        if (constants is not { Count: > 0 })
        {
            return sourceFields is { } fields ? normalizer.Normalize(schema, fields) : normalizer.Normalize(schema, row.Json);
        }
        if (sourceFields is { } f)
        {
            var merged = new List<KeyValuePair<string, string?>>(f);
            var present = Present(f.Where(p => p.Value is not null).Select(p => p.Key));
            foreach (var (name, value) in constants)
            {
                if (!present.Contains(Column(name)))
                {
                    merged.RemoveAll(p => p.Key == name);
                    merged.Add(new(name, value));
                }
            }
            return normalizer.Normalize(schema, new FieldPairs(merged));
        }
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            foreach (var property in row.Json.EnumerateObject())
            {
                property.WriteTo(writer);
            }
            var present = Present(row.Json.EnumerateObject().Where(p => p.Value.ValueKind != JsonValueKind.Null).Select(p => p.Name));
            foreach (var (name, value) in constants)
            {
                if (!present.Contains(Column(name)))
                {
                    writer.WriteString(name, value);
                }
            }
            writer.WriteEndObject();
        }
        using var doc = JsonDocument.Parse(buffer.ToArray());
        return normalizer.Normalize(schema, doc.RootElement);
    }

    /// <summary>The dataset columns the row carries a value for, however its fields spell them (<c>Country</c> for a
    /// constant named <c>country</c>): a constant fills a column only where the row has none.</summary>
    private HashSet<int> Present(IEnumerable<string> names)
    {
        var columns = new HashSet<int>();
        foreach (var name in names)
        {
            if (matcher.TryMatch(name, out var match))
            {
                columns.Add(match.Column);
            }
        }
        return columns;
    }

    private int Column(string name) => matcher.TryMatch(name, out var match) ? match.Column : -1;
}
