using System.Globalization;
using System.Text.Json;
using Emporium.Alerts;
using Emporium.Batch.Loading;
using Emporium.Datasets;
using Emporium.Lake;
using Emporium.Orchestration;
using Emporium.Orchestration.Dags;
using Emporium.Tests.Datasets;
using Emporium.Tests.TestSupport;

namespace Emporium.Tests.Orchestration.Dags;

public sealed class ProductsSnapshotDagTests
{
    private static readonly DateOnly Day1 = new(2024, 3, 1);
    private static readonly DateOnly Day2 = new(2024, 3, 2);

    private static double Price(Dictionary<string, string?> row) => double.Parse(row["price"]!, CultureInfo.InvariantCulture);

    private static long Demand(Dictionary<string, string?> row) => long.Parse(row["boughtInLastMonth"]!, CultureInfo.InvariantCulture);

    [Fact]
    public async Task Changed_prices_and_availability_in_loaded_products_raise_alerts_once()
    {
        await using var h = new SeedDagHarness(new ProductsSnapshotDag());
        await h.Warehouse.InitializeAsync(LoadSpec.Loadable, CancellationToken.None);
        var loader = new BatchLoader(h.Warehouse, h.Lake, new ParquetWriter(Path.Combine(h.DataDir, "tmp")), RecordNormalizer.Instance, TimeProvider.System);
        var products = DatasetCatalog.Products;
        Assert.Equal(0, (await loader.LoadAsync([SampleData.ProductsCsv], new BatchLoadRequest(products), null, CancellationToken.None)).RowsRejected);
        var none = new Dictionary<string, string?>();

        await h.RunAsync(Day1, none);
        var loaded = Convert.ToInt64((await h.QueryAsync("SELECT COUNT(*) FROM products"))[0][0], CultureInfo.InvariantCulture);
        Assert.Equal(loaded, Observations(await h.QueryAsync($"SELECT COUNT(*) FROM product_observations WHERE snapshot_date = {Day(Day1)}")));
        Assert.Empty(await h.QueryAsync("SELECT * FROM alerts"));

        // Real rows of the sample, changed as a later crawl (or stream update) would report them.
        var rows = SampleRows.Csv(SampleData.ProductsCsv);
        var inStock = rows.Where(r => Price(r) > 0).ToList();
        var dearer = inStock[0];
        var soldOut = inStock[1];
        var slightly = inStock[2];
        var backAgain = rows.First(r => Price(r) == 0);
        var popular = inStock.Skip(3).First(r => Demand(r) is >= 50 and <= 500);
        var newPrice = Math.Round(Price(dearer) * 1.25, 2);
        var changes = new List<Dictionary<string, string?>>
        {
            With(dearer, "price", newPrice),
            With(soldOut, "price", 0),
            With(slightly, "price", Price(slightly) * 1.05),
            With(backAgain, "price", 19.99),
            With(popular, "boughtInLastMonth", Demand(popular) * 10),
        };
        var file = Path.Combine(h.DataDir, "product-changes.ndjson");
        await File.WriteAllLinesAsync(file, changes.Select(c => JsonSerializer.Serialize(c)));
        Assert.Equal(changes.Count, (await loader.LoadAsync([file], new BatchLoadRequest(products), null, CancellationToken.None)).RowsLoaded);

        await h.RunAsync(Day2, none);
        Assert.Equal(changes.Count, Observations(await h.QueryAsync($"SELECT COUNT(*) FROM product_observations WHERE snapshot_date = {Day(Day2)}")));
        var alerts = await AlertsAsync(h);
        Assert.Equal(
            [(dearer["asin"], AlertKind.PriceChange), (soldOut["asin"], AlertKind.OutOfStock), (backAgain["asin"], AlertKind.BackInStock), (popular["asin"], AlertKind.DemandJump)],
            alerts.Select(a => ((string?)a[0], (string)a[1]!)).OrderBy(a => a.Item2 == AlertKind.PriceChange ? 0 : a.Item2 == AlertKind.OutOfStock ? 1 : a.Item2 == AlertKind.BackInStock ? 2 : 3));
        var priceAlert = alerts.Single(a => (string)a[1]! == AlertKind.PriceChange);
        Assert.Equal(Price(dearer), (double)priceAlert[2]!, 6);
        Assert.Equal(newPrice, (double)priceAlert[3]!, 6);
        Assert.Equal(Math.Round((newPrice - Price(dearer)) / Price(dearer) * 100, 2), (double)priceAlert[4]!, 6);
        Assert.All(alerts, a => Assert.Equal(ProductSnapshotAlerts.Source, a[5]));

        // Re-running the day rewrites the same observations and finds the same, already stored, alerts.
        await h.RunAsync(Day2, none);
        Assert.Equal(changes.Count, Observations(await h.QueryAsync($"SELECT COUNT(*) FROM product_observations WHERE snapshot_date = {Day(Day2)}")));
        Assert.Equal(alerts.Count, (await AlertsAsync(h)).Count);
        Assert.Contains("0 new alert(s)", h.Log(Day2, "alerts"));
    }

    [Fact]
    public async Task A_day_of_many_alerts_logs_the_first_of_them_and_counts_the_rest()
    {
        await using var h = new SeedDagHarness(new ProductsSnapshotDag());
        await h.Warehouse.InitializeAsync(LoadSpec.Loadable, CancellationToken.None);
        var loader = new BatchLoader(h.Warehouse, h.Lake, new ParquetWriter(Path.Combine(h.DataDir, "tmp")), RecordNormalizer.Instance, TimeProvider.System);
        await loader.LoadAsync([SampleData.ProductsCsv], new BatchLoadRequest(DatasetCatalog.Products), null, CancellationToken.None);
        await h.RunAsync(Day1, new Dictionary<string, string?>());
        // Every in-stock product of the sample at half its price again: one price alert each.
        var dearer = SampleRows.Csv(SampleData.ProductsCsv).Where(r => Price(r) > 0).DistinctBy(r => r["asin"]).Select(r => With(r, "price", Price(r) * 1.5)).ToList();
        Assert.True(dearer.Count > AlertsTask.LoggedAlerts, $"the sample has {dearer.Count} products in stock");
        var file = Path.Combine(h.DataDir, "dearer.ndjson");
        await File.WriteAllLinesAsync(file, dearer.Select(c => JsonSerializer.Serialize(c)));
        await loader.LoadAsync([file], new BatchLoadRequest(DatasetCatalog.Products), null, CancellationToken.None);

        await h.RunAsync(Day2, new Dictionary<string, string?>());

        var stored = (await AlertsAsync(h)).Count;
        Assert.True(stored > AlertsTask.LoggedAlerts);
        var log = h.Log(Day2, "alerts").Split('\n');
        Assert.Equal(AlertsTask.LoggedAlerts, log.Count(l => l.Contains(" alert price_change: ", StringComparison.Ordinal)));
        Assert.Contains(log, l => l.EndsWith($"… and {stored - AlertsTask.LoggedAlerts} more new alert(s): GET /api/v1/alerts or the alerts table", StringComparison.Ordinal));
    }

    private static Dictionary<string, string?> With(Dictionary<string, string?> row, string field, double value) =>
        new(row) { [field] = value.ToString("0.##", CultureInfo.InvariantCulture) };

    private static string Day(DateOnly day) => Emporium.Warehouse.SqlLiteral.Day(day);

    private static long Observations(List<object?[]> rows) => Convert.ToInt64(rows[0][0], CultureInfo.InvariantCulture);

    private static Task<List<object?[]>> AlertsAsync(SeedDagHarness h) =>
        h.QueryAsync("SELECT asin, kind, old_value, new_value, change_pct, source FROM alerts ORDER BY asin, kind");
}
