using System.Text.Json;
using Emporium.Datasets;
using Emporium.Marts;
using Emporium.Processing;
using Emporium.Tests.Processing;
using Emporium.Tests.TestSupport;
using Sylvan.Data.Csv;

namespace Emporium.Tests.Marts;

/// <summary>The real samples (UCI orders, asaniczka products + categories, McAuley reviews) normalized by the
/// shared record normalizer, appended to the embedded log and landed by the stream processor, once for all mart
/// tests.</summary>
public sealed class SampleWarehouseFixture : IAsyncLifetime
{
    public ProcessingHarness Harness { get; private set; } = null!;

    public MartService Marts { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Harness = await ProcessingHarness.StartAsync(new StreamProcessorOptions { MaxBatchRecords = 2_000 });
        await Harness.AppendAsync(FromCsv(DatasetCatalog.Categories, SampleData.CategoriesCsv));
        await Harness.AppendAsync(FromCsv(DatasetCatalog.Products, SampleData.ProductsCsv));
        await Harness.AppendAsync(FromCsv(DatasetCatalog.Orders, SampleData.OnlineRetail));
        await Harness.AppendAsync(FromJsonLines(DatasetCatalog.Reviews, SampleData.McAuleyReviews));
        await Harness.DrainAsync();
        Marts = new MartService(Harness.Warehouse);
    }

    public async Task DisposeAsync() => await Harness.DisposeAsync();

    /// <summary>Raw CSV rows as header → text, read with a plain CSV reader (no Emporium code).</summary>
    public static List<Dictionary<string, string>> ReadCsv(string path)
    {
        using var reader = CsvDataReader.Create(path);
        var rows = new List<Dictionary<string, string>>();
        while (reader.Read())
        {
            var row = new Dictionary<string, string>(StringComparer.Ordinal);
            for (var i = 0; i < reader.FieldCount; i++)
            {
                row[reader.GetName(i)] = reader.GetString(i);
            }
            rows.Add(row);
        }
        return rows;
    }

    private static List<CanonicalRecord> FromCsv(DatasetSchema schema, string path) =>
        ReadCsv(path).Select((row, i) => Normalize(schema, RecordNormalizer.Instance.Normalize(schema, row.ToDictionary(kv => kv.Key, kv => (string?)kv.Value)), i)).ToList();

    private static List<CanonicalRecord> FromJsonLines(DatasetSchema schema, string path) =>
        File.ReadLines(path).Where(l => l.Trim().Length > 0).Select((line, i) =>
        {
            using var doc = JsonDocument.Parse(line);
            return Normalize(schema, RecordNormalizer.Instance.Normalize(schema, doc.RootElement), i);
        }).ToList();

    private static CanonicalRecord Normalize(DatasetSchema schema, NormalizeResult result, int index) =>
        result.Record ?? throw new InvalidOperationException($"{schema.Name} sample row {index} rejected: {string.Join("; ", result.Errors.Select(e => $"{e.Field}: {e.Error}"))}");
}
