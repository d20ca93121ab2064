using System.Globalization;
using System.Text.Json.Nodes;
using Emporium.Alerts;
using Emporium.Datasets;
using Emporium.Log;
using Emporium.Sources;
using Emporium.Sources.SellerCatalog;
using Emporium.Tests.Datasets;
using Emporium.Tests.Sources.SellerCatalog;
using Emporium.Tests.TestSupport;
using Emporium.Warehouse;
using Emporium.Warehouse.DuckDb;
using Emporium.Warehouse.Postgres;

namespace Emporium.Tests.Alerts;

/// <summary>The same product and seller changes raise the same alerts, in the same order, with the same values and
/// messages, and the same feed and pending deliveries, on DuckDB and on PostgreSQL.</summary>
[Collection(PostgresCollection.Name)]
public sealed class AlertParityTests(PostgresServer server) : IAsyncLifetime
{
    private static readonly DateTimeOffset Now = new(2024, 3, 3, 6, 0, 0, TimeSpan.Zero);
    private static readonly DateOnly Day1 = new(2024, 3, 1);
    private static readonly DateOnly Day2 = new(2024, 3, 2);

    private readonly TempDir _dir = new("alert-parity");
    private DuckDbWarehouse _duck = null!;
    private PostgresWarehouse _pg = null!;

    public async Task InitializeAsync()
    {
        _duck = new DuckDbWarehouse(new DuckDbWarehouseOptions { Path = _dir.Combine("w.duckdb") });
        _pg = new PostgresWarehouse(new PostgresWarehouseOptions { ConnectionString = await server.CreateDatabaseAsync("alert_parity") });
    }

    public async Task DisposeAsync()
    {
        await _duck.DisposeAsync();
        await _pg.DisposeAsync();
        _dir.Dispose();
    }

    [Fact]
    public async Task Product_and_seller_changes_raise_the_same_alerts_on_duckdb_and_postgres()
    {
        var duck = await RunAsync(_duck);
        var pg = await RunAsync(_pg);

        Assert.Contains(duck.Detected, a => a.Kind == AlertKind.PriceChange && a.Source == ProductSnapshotAlerts.Source);
        Assert.Contains(duck.Detected, a => a.Kind == AlertKind.OutOfStock && a.Source == ProductSnapshotAlerts.Source);
        Assert.Contains(duck.Detected, a => a.Kind == AlertKind.BackInStock);
        Assert.Contains(duck.Detected, a => a.Source == "seller:seller-a");
        Assert.Equal(duck.Detected, pg.Detected);
        Assert.Equal(duck.Feed, pg.Feed);
        Assert.Equal(duck.Pending.Select(p => (p.Webhook, p.Attempts, p.Alert)), pg.Pending.Select(p => (p.Webhook, p.Attempts, p.Alert)));
    }

    private static async Task<(List<Alert> Detected, IReadOnlyList<AlertFeedItem> Feed, IReadOnlyList<PendingDelivery> Pending)> RunAsync(IWarehouse warehouse)
    {
        await warehouse.InitializeAsync([.. DatasetCatalog.All, .. SeedDatasets.All], CancellationToken.None);
        var rows = SampleRows.Csv(SampleData.ProductsCsv);
        await CommitAsync(warehouse, DatasetCatalog.Products, rows.Select(r => RecordNormalizer.Instance.Normalize(DatasetCatalog.Products, r)).Where(r => r.IsValid).Select(r => r.Record!));
        await ProductSnapshotAlerts.SnapshotAsync(warehouse, Day1, Now, CancellationToken.None);

        static double Price(Dictionary<string, string?> r) => double.Parse(r["price"]!, CultureInfo.InvariantCulture);
        var priced = rows.Where(r => Price(r) > 0).ToList();
        var unpriced = rows.First(r => Price(r) == 0);
        var changed = new[]
        {
            new Dictionary<string, string?>(priced[5]) { ["price"] = Math.Round(Price(priced[5]) * 0.8, 2).ToString(CultureInfo.InvariantCulture) },
            new Dictionary<string, string?>(priced[9]) { ["price"] = Math.Round(Price(priced[9]) * 1.37, 2).ToString(CultureInfo.InvariantCulture) },
            new Dictionary<string, string?>(priced[6]) { ["price"] = "0" },
            new Dictionary<string, string?>(unpriced) { ["price"] = "12.345" },
        };
        await CommitAsync(warehouse, DatasetCatalog.Products, changed.Select(r => RecordNormalizer.Instance.Normalize(DatasetCatalog.Products, r).Record!));
        await ProductSnapshotAlerts.SnapshotAsync(warehouse, Day2, Now, CancellationToken.None);
        var detected = (await ProductSnapshotAlerts.DetectAsync(warehouse, Day2, new AlertOptions(), Now, CancellationToken.None)).ToList();

        // The seller's real captured catalog on day one; on day two one price is 20 % up and one offer gone.
        var products = SellerCatalogStub.SampleProducts();
        var second = new JsonArray();
        for (var i = 0; i < products.Count; i++)
        {
            if (i == 3)
            {
                continue;
            }
            var copy = products[i]!.DeepClone();
            if (i == 0)
            {
                copy["product_price"] = "$28.73";
            }
            second.Add(copy);
        }
        foreach (var (day, list) in new[] { (Day1, products), (Day2, second) })
        {
            var body = System.Text.Encoding.UTF8.GetBytes(new JsonObject { ["data"] = new JsonObject { ["products"] = list.DeepClone() } }.ToJsonString());
            await CommitAsync(warehouse, SeedDatasets.SellerOffers, SellerOfferCleaner.Clean("seller-a", day, [(1, body)]).Rows);
        }
        detected.AddRange(await SellerOfferAlerts.DetectAsync(warehouse, "seller-a", Day2, new AlertOptions(), Now, CancellationToken.None));

        var store = new AlertStore(warehouse, new TestClock(Now));
        await store.SaveNewAsync(detected, ["http://hook.example/a", "http://hook.example/b"], CancellationToken.None);
        var feed = await new AlertQuery(Limit: AlertQuery.MaxLimit).RunAsync(warehouse, CancellationToken.None);
        var pending = await store.PendingAsync(CancellationToken.None);
        return (detected, feed, pending);
    }

    private static Task CommitAsync(IWarehouse warehouse, DatasetSchema schema, IEnumerable<CanonicalRecord> records) =>
        warehouse.CommitAsync(new WarehouseBatch([new DatasetRows(schema, records.ToList(), "test")], "test", new Dictionary<TopicPartition, long>()), CancellationToken.None);
}
