using Emporium.Datasets;
using Emporium.Warehouse;

namespace Emporium.Tests.TestSupport;

/// <summary>Rows for a warehouse commit, written as a source writes them and cleaned by the real normalizer, so a
/// test's rows are what ingest or a load would store. A row the normalizer rejects fails the test with its errors.</summary>
public static class NormalizedRows
{
    public static DatasetRows Of(DatasetSchema schema, string source, IEnumerable<Dictionary<string, string?>> rows)
    {
        var records = rows.Select(r => RecordNormalizer.Instance.Normalize(schema, r))
            .Select(r => r.Record ?? throw new InvalidOperationException(string.Join("; ", r.Errors.Select(e => $"{e.Field}: {e.Error}"))))
            .ToList();
        return new DatasetRows(schema, records, source);
    }

    /// <summary>One source row: field names as the source writes them, values as text.</summary>
    public static Dictionary<string, string?> Row(params (string Field, string Value)[] fields) =>
        fields.ToDictionary(f => f.Field, f => (string?)f.Value, StringComparer.Ordinal);
}
