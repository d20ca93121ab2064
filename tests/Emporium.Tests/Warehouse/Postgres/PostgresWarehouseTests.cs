using Emporium.Datasets;
using Emporium.Log;
using Emporium.Tests.TestSupport;
using Emporium.Warehouse;
using Emporium.Warehouse.Postgres;

namespace Emporium.Tests.Warehouse.Postgres;

/// <summary>The shared warehouse scenarios against a real PostgreSQL 15, one fresh database per test.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresWarehouseTests(PostgresServer server) : WarehouseScenarioTests, IAsyncLifetime
{
    private PostgresWarehouse _warehouse = null!;
    private string _connectionString = "";

    protected override IWarehouse Warehouse => _warehouse;

    protected override void SetFault(Action<string>? fault) => _warehouse.FaultInjection = fault;

    public async Task InitializeAsync()
    {
        _connectionString = await server.CreateDatabaseAsync("wh");
        _warehouse = new PostgresWarehouse(new PostgresWarehouseOptions { ConnectionString = _connectionString });
        await _warehouse.InitializeAsync(DatasetCatalog.Streamed, CancellationToken.None);
    }

    public async Task DisposeAsync() => await _warehouse.DisposeAsync();

    [Fact]
    public async Task Initialize_is_idempotent_and_a_second_process_sees_the_same_rows_and_offsets()
    {
        await _warehouse.CommitAsync(new WarehouseBatch(
            [new DatasetRows(DatasetCatalog.Categories, [Category(5, "five")], "log:categories/0:0-0")],
            "processor", new Dictionary<TopicPartition, long> { [Categories0] = 1 }), CancellationToken.None);

        await using var other = new PostgresWarehouse(new PostgresWarehouseOptions { ConnectionString = _connectionString });
        await other.InitializeAsync(DatasetCatalog.All, CancellationToken.None);
        Assert.Equal("five", (await other.QueryAsync("SELECT category_name FROM categories WHERE id = 5", CancellationToken.None)).Rows[0][0]);
        Assert.Equal(1, (await other.GetOffsetsAsync("processor", CancellationToken.None))[Categories0]);
        // Re-creating clean_orders drops the marts over it (CASCADE); they are created again after it.
        foreach (var mart in new[] { "clean_orders", "daily_sales", "popular_products", "sales_by_country", "top_customers" })
        {
            Assert.Equal(0L, (await other.QueryAsync($"SELECT COUNT(*) FROM {mart}", CancellationToken.None)).Rows[0][0]);
        }
    }

    /// <summary>Two processors (own connections) claim overlapping tags at once, each from its own partition, as
    /// they would for the two copies of a retried request: both get the same winner for every tag.</summary>
    [Fact]
    public async Task Two_processes_claiming_the_same_tags_at_once_agree_on_every_winner()
    {
        await using var other = new PostgresWarehouse(new PostgresWarehouseOptions { ConnectionString = _connectionString });
        var orders1 = new TopicPartition("orders", 1);
        var tags = Enumerable.Range(0, 3_000).Select(i => (long)i * 104729).ToList();
        // Opposite orders, so without sorted inserts the two transactions would wait on each other.
        var mine = tags.Select((t, i) => new IngestClaim(t, Orders0, i)).ToList();
        var theirs = tags.AsEnumerable().Reverse().Select((t, i) => new IngestClaim(t, orders1, i)).ToList();

        var results = await Task.WhenAll(
            Task.Run(() => _warehouse.ClaimIngestTagsAsync(mine, null, CancellationToken.None)),
            Task.Run(() => other.ClaimIngestTagsAsync(theirs, null, CancellationToken.None)));

        Assert.All(tags, t => Assert.Equal(results[0][t], results[1][t]));
        Assert.All(tags, t => Assert.Contains(results[0][t], new[] { mine.Single(c => c.TagHash == t), theirs.Single(c => c.TagHash == t) }));
        Assert.Equal((long)tags.Count, (await Rows($"SELECT count(*) FROM {IngestClaim.Table}"))[0][0]);
    }

    [Fact]
    public async Task Two_writers_fenced_on_the_same_position_commit_exactly_once()
    {
        await using var other = new PostgresWarehouse(new PostgresWarehouseOptions { ConnectionString = _connectionString });
        WarehouseBatch Batch(string invoice) => new(
            [new DatasetRows(DatasetCatalog.Orders, [Order(invoice, 1, 1)], "log:orders/0:0-0")],
            "processor", new Dictionary<TopicPartition, long> { [Orders0] = 1 },
            ExpectedOffsets: new Dictionary<TopicPartition, long> { [Orders0] = 0 });

        var results = await Task.WhenAll(
            Capture(_warehouse.CommitAsync(Batch("a"), CancellationToken.None)),
            Capture(other.CommitAsync(Batch("b"), CancellationToken.None)));

        Assert.Single(results, r => r is null);
        Assert.Single(results, r => r is OffsetConflictException);
        Assert.Equal(1L, (await Rows("SELECT count(*) FROM orders"))[0][0]);
    }

    private static async Task<Exception?> Capture(Task task)
    {
        try
        {
            await task;
            return null;
        }
        catch (Exception e)
        {
            return e;
        }
    }

    [Fact]
    public async Task Large_batches_go_through_copy_and_keep_every_value()
    {
        var records = Enumerable.Range(0, 5000).Select(i => Order($"inv{i}", i, i / 4.0)).ToList();
        await _warehouse.CommitAsync(new WarehouseBatch(
            [new DatasetRows(DatasetCatalog.Orders, records, "log:orders/0:0-4999")],
            "processor", new Dictionary<TopicPartition, long> { [Orders0] = 5000 }), CancellationToken.None);

        var row = (await Rows("SELECT count(*), sum(quantity), sum(unit_price) FROM orders"))[0];
        Assert.Equal((long)records.Count, row[0]);
        Assert.Equal((decimal)records.Sum(r => (long)r["quantity"]!), row[1]);
        Assert.Equal(records.Sum(r => (double)r["unit_price"]!), (double)row[2]!, 6);
    }
}
