using Emporium.Batch.Catalog;
using Emporium.Datasets;
using Emporium.Processing;
using Emporium.Tests.Processing;

namespace Emporium.Tests.Batch.Catalog;

/// <summary>A dataset's catalog entry lists the partitions its clean zone really has, as the published manifests name
/// them: the date and country folders of orders (values decoded), and the arrival day of categories, which have no
/// date column; merging the files changes none of it.</summary>
public sealed class CatalogReportTests
{
    [Fact]
    public async Task Dataset_partitions_are_the_clean_zone_folders_before_and_after_compaction()
    {
        await using var h = await ProcessingHarness.StartAsync(new StreamProcessorOptions
        {
            MaxBatchRecords = 30,
            MinBatchInterval = TimeSpan.Zero,
            Compaction = new LakeCompactionOptions { Fanout = 2, Interval = TimeSpan.FromHours(1) },
        });
        var orders = Enumerable.Range(0, 120).Select(TestRecords.Order).ToList();
        var categories = Enumerable.Range(1, 40).Select(i => new CanonicalRecord(DatasetCatalog.Categories, [(long)i, $"Category {i}"])).ToList();
        var before = DateOnly.FromDateTime(DateTime.UtcNow);
        await h.AppendAsync([.. orders, .. categories]);
        var after = DateOnly.FromDateTime(DateTime.UtcNow);
        await h.DrainAsync();

        var expectedOrders = new[]
        {
            ("date", orders.Select(o => ((DateTime)o["invoice_date"]!).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture)).Distinct().Order(StringComparer.Ordinal).ToList<string?>()),
            ("country", orders.Select(o => (string)o["country"]!).Distinct().Order(StringComparer.Ordinal).ToList<string?>()),
        };
        var arrival = new[] { before, after }.Distinct().Select(d => d.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture)).ToList();
        await AssertAsync(h, expectedOrders, arrival, orders.Count, categories.Count);

        Assert.True((await h.Processor.CompactLakeAsync(CancellationToken.None)).Merges > 0);
        await AssertAsync(h, expectedOrders, arrival, orders.Count, categories.Count);
    }

    [Fact]
    public async Task The_dead_letters_are_listed_with_their_own_kind_and_rows()
    {
        await using var h = await ProcessingHarness.StartAsync(new StreamProcessorOptions { MinBatchInterval = TimeSpan.Zero });
        var rejected = Enumerable.Range(0, 3)
            .Select(i => new DeadLetter("req-1", "reviews", i, "http:/api/v1/ingest/reviews", DateTimeOffset.UtcNow, [new FieldError("rating", "must be 1 to 5")], $"{{\"rating\":{9 + i}}}").ToRecord())
            .ToList();
        await h.AppendAsync([.. rejected, TestRecords.Order(0)]);
        await h.DrainAsync();

        var tables = await new CatalogReport(h.Warehouse, h.Lake).ListAsync(CancellationToken.None);
        var dead = tables.Single(t => t.Name == "dead_letters");
        Assert.Equal(CatalogReport.DeadLettersKind, dead.Kind);
        Assert.Equal(rejected.Count, dead.Rows);
        Assert.Equal(DatasetCatalog.DeadLetters.Columns.Select(c => c.Name), dead.Columns.Select(c => c.Name));
        Assert.Equal("dataset", tables.Single(t => t.Name == "orders").Kind);
        Assert.Equal(1, tables.Single(t => t.Name == "orders").Rows);
    }

    private static async Task AssertAsync(ProcessingHarness h, (string, List<string?>)[] orders, List<string> arrival, long orderRows, long categoryRows)
    {
        var tables = await new CatalogReport(h.Warehouse, h.Lake).ListAsync(CancellationToken.None);
        var ordersTable = tables.Single(t => t.Name == "orders");
        Assert.Equal(orders, ordersTable.Partitions.Select(p => (p.Key, p.Values.ToList())));
        Assert.Equal(orderRows, ordersTable.Rows);
        var categoriesTable = tables.Single(t => t.Name == "categories");
        var day = Assert.Single(categoriesTable.Partitions);
        Assert.Equal("date", day.Key);
        Assert.Contains(Assert.Single(day.Values), arrival);
        Assert.Equal(categoryRows, categoriesTable.Rows);
        Assert.Empty(categoriesTable.Files); // nothing was loaded from a file
    }
}
