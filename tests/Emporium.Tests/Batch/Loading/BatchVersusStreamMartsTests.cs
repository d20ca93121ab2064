using System.Globalization;
using Emporium.Datasets;
using Emporium.Marts;
using Emporium.Tests.Processing;
using Emporium.Tests.TestSupport;
using static Emporium.Tests.Batch.BatchTestFiles;

namespace Emporium.Tests.Batch.Loading;

/// <summary>Every mart over batch-loaded real samples equals the same mart over the same records sent down the stream
/// path: normalized as the ingest endpoint does, appended to the embedded log, committed by the stream processor.</summary>
public sealed class BatchVersusStreamMartsTests
{
    [Fact]
    public async Task MartsFromBatchLoadsEqualMartsFromTheStreamPath()
    {
        var samples = new[]
        {
            (DatasetCatalog.Categories, SampleData.CategoriesCsv),
            (DatasetCatalog.Products, SampleData.ProductsCsv),
            (DatasetCatalog.Orders, SampleData.OnlineRetail),
        };
        await using var batch = await BatchHarness.StartAsync();
        await using var stream = await ProcessingHarness.StartAsync();
        var sent = 0;
        foreach (var (dataset, file) in samples)
        {
            var loaded = (await batch.LoadAsync(dataset, file)).Files[0];
            Assert.True(loaded.Bulk);
            var rows = ParseCsv(file, out var header);
            var records = rows
                .Select(r => RecordNormalizer.Instance.Normalize(dataset, header.Select((h, i) => (h, r[i])).ToDictionary(x => x.h, x => x.Item2)))
                .Where(n => n.IsValid)
                .Select(n => n.Record!)
                .ToList();
            Assert.Equal(loaded.RowsLoaded, records.Count);
            sent += records.Count;
            await stream.AppendAsync(records);
        }
        await stream.DrainAsync();

        var marts = MartCatalog.All.Where(m => !m.BackedByTable && m.DependsOn.All(d => samples.Any(s => s.Item1.Name == d))).ToList();
        Assert.Contains(marts, m => m.Name == "sales_by_country");
        Assert.Contains(marts, m => m.Name == "category_distribution");
        foreach (var mart in marts)
        {
            var sql = $"SELECT * FROM {mart.Name} ORDER BY ALL";
            var expected = (await stream.QueryAsync(sql)).Select(Show).ToList();
            var actual = (await batch.RowsAsync(sql)).Select(Show).ToList();
            Assert.True(expected.Count > 0, $"{mart.Name} is empty");
            Assert.True(expected.SequenceEqual(actual), $"{mart.Name} differs: {expected.Count} stream rows, {actual.Count} batch rows");
        }
        Assert.True(sent > 8000);
    }

    private static string Show(object?[] row) =>
        string.Join(" | ", row.Select(v => v switch
        {
            null => "NULL",
            double d => Math.Round(d, 6).ToString("R", CultureInfo.InvariantCulture),
            IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
            _ => v.ToString(),
        }));
}
