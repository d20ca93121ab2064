using System.Globalization;
using Emporium.Alerts;
using Emporium.Datasets;
using Emporium.Log;
using Emporium.Tests.Datasets;
using Emporium.Tests.TestSupport;
using Emporium.Warehouse;
using Emporium.Warehouse.Postgres;

namespace Emporium.Tests.Alerts;

/// <summary>The products snapshot on a real PostgreSQL 15 (the SQL avoids what Redshift lacks), with products written
/// through the commit path the stream processor uses.</summary>
[Collection(PostgresCollection.Name)]
public sealed class ProductSnapshotAlertsTests(PostgresServer server)
{
    private static readonly DateTimeOffset Now = new(2024, 3, 3, 6, 0, 0, TimeSpan.Zero);

    private static async Task CommitAsync(IWarehouse warehouse, IEnumerable<Dictionary<string, string?>> rows, string source)
    {
        var records = rows.Select(r => RecordNormalizer.Instance.Normalize(DatasetCatalog.Products, r)).Where(r => r.IsValid).Select(r => r.Record!).ToList();
        await warehouse.CommitAsync(new WarehouseBatch([new DatasetRows(DatasetCatalog.Products, records, source)], "test", new Dictionary<TopicPartition, long>()), CancellationToken.None);
    }

    [Fact]
    public async Task Stream_updates_of_products_raise_price_and_stock_alerts_on_postgres()
    {
        await using var pg = new PostgresWarehouse(new PostgresWarehouseOptions { ConnectionString = await server.CreateDatabaseAsync("product_alerts") });
        await pg.InitializeAsync(DatasetCatalog.All, CancellationToken.None);
        var rows = SampleRows.Csv(SampleData.ProductsCsv);
        await CommitAsync(pg, rows, "sample:products");

        var day1 = new DateOnly(2024, 3, 1);
        var first = await ProductSnapshotAlerts.SnapshotAsync(pg, day1, Now, CancellationToken.None);
        var stored = await pg.QueryAsync("SELECT COUNT(*) FROM products", CancellationToken.None);
        Assert.Equal(Convert.ToInt64(stored.Rows[0][0], CultureInfo.InvariantCulture), first);
        Assert.Empty(await ProductSnapshotAlerts.DetectAsync(pg, day1, new AlertOptions(), Now, CancellationToken.None));

        static double Price(Dictionary<string, string?> r) => double.Parse(r["price"]!, CultureInfo.InvariantCulture);
        var inStock = rows.Where(r => Price(r) > 0).ToList();
        var cheaper = new Dictionary<string, string?>(inStock[5]) { ["price"] = (Math.Round(Price(inStock[5]) * 0.8, 2)).ToString(CultureInfo.InvariantCulture) };
        var gone = new Dictionary<string, string?>(inStock[6]) { ["price"] = "0" };
        var unchanged = inStock[7];
        await CommitAsync(pg, [cheaper, gone, unchanged], "stream:products");

        var day2 = new DateOnly(2024, 3, 2);
        Assert.Equal(2, await ProductSnapshotAlerts.SnapshotAsync(pg, day2, Now, CancellationToken.None));
        var alerts = await ProductSnapshotAlerts.DetectAsync(pg, day2, new AlertOptions(), Now, CancellationToken.None);
        Assert.Equal([(cheaper["asin"], AlertKind.PriceChange), (gone["asin"], AlertKind.OutOfStock)],
            alerts.Select(a => ((string?)a.Asin, a.Kind)).OrderBy(a => a.Kind == AlertKind.PriceChange ? 0 : 1));
        Assert.True(alerts.Single(a => a.Kind == AlertKind.PriceChange).ChangePct < 0);

        // The same day again: nothing new written, the same alert ids.
        Assert.Equal(0, await ProductSnapshotAlerts.SnapshotAsync(pg, day2, Now, CancellationToken.None));
        Assert.Equal(alerts.Select(a => a.Id), (await ProductSnapshotAlerts.DetectAsync(pg, day2, new AlertOptions(), Now, CancellationToken.None)).Select(a => a.Id));
    }

    /// <summary>A price change that arrives after its day's snapshot ran, followed by a re-run of that day (a second
    /// `emporium dag run products_snapshot` the same day takes the same day): the day keeps the price it observed, and
    /// the next day's snapshot raises the change. Before, the re-run replaced the day's price with the new one, and
    /// the change was compared with nothing, then or ever.</summary>
    [Fact]
    public async Task A_change_after_its_day_ran_is_not_lost_by_a_rerun_of_that_day()
    {
        await using var pg = new PostgresWarehouse(new PostgresWarehouseOptions { ConnectionString = await server.CreateDatabaseAsync("product_alerts_rerun") });
        await pg.InitializeAsync(DatasetCatalog.All, CancellationToken.None);
        Dictionary<string, string?> Kettle(string price) => new() { ["asin"] = "B0KETTLE01", ["title"] = "Kettle", ["price"] = price };
        var day1 = new DateOnly(2024, 3, 1);
        var day2 = new DateOnly(2024, 3, 2);
        await CommitAsync(pg, [Kettle("20.00")], "stream:products");
        Assert.Equal(1, await ProductSnapshotAlerts.SnapshotAsync(pg, day1, Now, CancellationToken.None));

        await CommitAsync(pg, [Kettle("25.00")], "stream:products");
        Assert.Equal(0, await ProductSnapshotAlerts.SnapshotAsync(pg, day1, Now, CancellationToken.None));
        Assert.Empty(await ProductSnapshotAlerts.DetectAsync(pg, day1, new AlertOptions(), Now, CancellationToken.None));

        Assert.Equal(1, await ProductSnapshotAlerts.SnapshotAsync(pg, day2, Now, CancellationToken.None));
        var alert = Assert.Single(await ProductSnapshotAlerts.DetectAsync(pg, day2, new AlertOptions(), Now, CancellationToken.None));
        Assert.Equal((AlertKind.PriceChange, 20.0, 25.0, 25.0), (alert.Kind, alert.OldValue, alert.NewValue, alert.ChangePct));

        // A day before ones already observed takes nothing from today's table: it would put today's price before them.
        await CommitAsync(pg, [Kettle("30.00")], "stream:products");
        Assert.Equal(0, await ProductSnapshotAlerts.SnapshotAsync(pg, day1, Now, CancellationToken.None));
        var observed = await pg.QueryAsync("SELECT snapshot_date, price FROM product_observations ORDER BY snapshot_date", CancellationToken.None);
        Assert.Equal([20.0, 25.0], observed.Rows.Select(r => WarehouseValues.Double(r[1])));
    }
}
