using Emporium.Datasets;
using Emporium.Log;
using Emporium.Tests.TestSupport;
using Emporium.Warehouse;
using Emporium.Warehouse.DuckDb;

namespace Emporium.Tests.Warehouse.DuckDb;

public sealed class DuckDbWarehouseTests : IAsyncLifetime
{
    private readonly TempDir _dir = new("warehouse");
    private DuckDbWarehouse _warehouse = null!;

    private static readonly TopicPartition Categories0 = new("categories", 0);
    private static readonly TopicPartition Orders0 = new("orders", 0);

    public async Task InitializeAsync()
    {
        _warehouse = new DuckDbWarehouse(new DuckDbWarehouseOptions { Path = _dir.Combine("w.duckdb") });
        await _warehouse.InitializeAsync(DatasetCatalog.All, CancellationToken.None);
    }

    public async Task DisposeAsync()
    {
        await _warehouse.DisposeAsync();
        _dir.Dispose();
    }

    private static CanonicalRecord Category(long id, string name) => new(DatasetCatalog.Categories, [id, name]);

    private static CanonicalRecord Order(string invoice, long quantity, double price) =>
        new(DatasetCatalog.Orders, [invoice, "85123A", "HEART", quantity, new DateTime(2010, 12, 1, 8, 26, 0, DateTimeKind.Utc), price, 17850L, "United Kingdom"]);

    private async Task<List<object?[]>> Rows(string sql) => [.. (await _warehouse.QueryAsync(sql, CancellationToken.None)).Rows];

    [Fact]
    public async Task Upsert_keeps_the_latest_record_per_key_within_and_across_batches()
    {
        await _warehouse.CommitAsync(new WarehouseBatch(
            [new DatasetRows(DatasetCatalog.Categories, [Category(1, "a"), Category(2, "b"), Category(1, "a2")], "log:categories/0:0-2")],
            "processor", new Dictionary<TopicPartition, long> { [Categories0] = 3 }), CancellationToken.None);
        await _warehouse.CommitAsync(new WarehouseBatch(
            [new DatasetRows(DatasetCatalog.Categories, [Category(2, "b2")], "log:categories/0:3-3")],
            "processor", new Dictionary<TopicPartition, long> { [Categories0] = 4 }), CancellationToken.None);

        var rows = await Rows("SELECT id, category_name, _source FROM categories ORDER BY id");
        Assert.Equal(2, rows.Count);
        Assert.Equal([1L, "a2", "log:categories/0:0-2"], rows[0]);
        Assert.Equal([2L, "b2", "log:categories/0:3-3"], rows[1]);
        Assert.Equal(4, (await _warehouse.GetOffsetsAsync("processor", CancellationToken.None))[Categories0]);
    }

    [Fact]
    public async Task Append_keeps_identical_lines_and_stamps_lineage()
    {
        var line = Order("536365", 6, 2.55);
        await _warehouse.CommitAsync(new WarehouseBatch(
            [new DatasetRows(DatasetCatalog.Orders, [line, line, Order("536366", 2, 1.85)], "log:orders/0:0-2")],
            "processor", new Dictionary<TopicPartition, long> { [Orders0] = 3 }), CancellationToken.None);

        var rows = await Rows("SELECT invoice_no, quantity, unit_price, invoice_date, customer_id, _source, _loaded_at IS NOT NULL FROM orders ORDER BY invoice_no");
        Assert.Equal(3, rows.Count);
        Assert.Equal(2, rows.Count(r => (string)r[0]! == "536365"));
        Assert.Equal(new DateTime(2010, 12, 1, 8, 26, 0), rows[0][3]);
        Assert.Equal(17850L, rows[0][4]);
        Assert.All(rows, r => Assert.Equal("log:orders/0:0-2", r[5]));
        Assert.All(rows, r => Assert.Equal(true, r[6]));
    }

    [Theory]
    [InlineData("rows")]
    [InlineData("offsets")]
    public async Task A_failure_mid_commit_writes_neither_rows_nor_offsets(string step)
    {
        _warehouse.FaultInjection = s => { if (s == step) throw new IOException("simulated crash at " + s); };
        await Assert.ThrowsAsync<IOException>(() => _warehouse.CommitAsync(new WarehouseBatch(
            [new DatasetRows(DatasetCatalog.Orders, [Order("1", 1, 1)], "log:orders/0:0-0"),
             new DatasetRows(DatasetCatalog.Categories, [Category(7, "x")], "log:categories/0:0-0")],
            "processor", new Dictionary<TopicPartition, long> { [Orders0] = 1, [Categories0] = 1 }), CancellationToken.None));
        _warehouse.FaultInjection = null;

        Assert.Equal(0L, (await Rows("SELECT count(*) FROM orders"))[0][0]);
        Assert.Equal(0L, (await Rows("SELECT count(*) FROM categories"))[0][0]);
        Assert.Empty(await _warehouse.GetOffsetsAsync("processor", CancellationToken.None));

        // The writer is still usable afterwards, staging tables included.
        await _warehouse.CommitAsync(new WarehouseBatch(
            [new DatasetRows(DatasetCatalog.Orders, [Order("1", 1, 1)], "log:orders/0:0-0")],
            "processor", new Dictionary<TopicPartition, long> { [Orders0] = 1 }), CancellationToken.None);
        Assert.Equal(1L, (await Rows("SELECT count(*) FROM orders"))[0][0]);
    }

    [Fact]
    public async Task A_constraint_violation_in_a_later_dataset_rolls_back_the_earlier_one()
    {
        var bad = new CanonicalRecord(DatasetCatalog.Categories, [null, "no id"]);
        await Assert.ThrowsAnyAsync<Exception>(() => _warehouse.CommitAsync(new WarehouseBatch(
            [new DatasetRows(DatasetCatalog.Orders, [Order("1", 1, 1)], "log:orders/0:0-0"),
             new DatasetRows(DatasetCatalog.Categories, [bad], "log:categories/0:0-0")],
            "processor", new Dictionary<TopicPartition, long> { [Orders0] = 1 }), CancellationToken.None));

        Assert.Equal(0L, (await Rows("SELECT count(*) FROM orders"))[0][0]);
        Assert.Empty(await _warehouse.GetOffsetsAsync("processor", CancellationToken.None));
    }

    [Fact]
    public async Task A_commit_from_a_stale_position_is_refused_and_writes_nothing()
    {
        await _warehouse.CommitAsync(new WarehouseBatch(
            [new DatasetRows(DatasetCatalog.Orders, [Order("1", 1, 1)], "log:orders/0:0-0")],
            "processor", new Dictionary<TopicPartition, long> { [Orders0] = 1 },
            ExpectedOffsets: new Dictionary<TopicPartition, long> { [Orders0] = 0 }), CancellationToken.None);

        var conflict = await Assert.ThrowsAsync<OffsetConflictException>(() => _warehouse.CommitAsync(new WarehouseBatch(
            [new DatasetRows(DatasetCatalog.Orders, [Order("1", 1, 1)], "log:orders/0:0-0")],
            "processor", new Dictionary<TopicPartition, long> { [Orders0] = 1 },
            ExpectedOffsets: new Dictionary<TopicPartition, long> { [Orders0] = 0 }), CancellationToken.None));
        Assert.Equal(1, conflict.Actual);
        Assert.Equal(1L, (await Rows("SELECT count(*) FROM orders"))[0][0]);
    }

    [Fact]
    public async Task Delete_sources_removes_exactly_those_ranges_in_the_same_transaction()
    {
        await _warehouse.CommitAsync(new WarehouseBatch(
            [new DatasetRows(DatasetCatalog.Orders, [Order("1", 1, 1), Order("2", 1, 1)], "log:orders/0:0-1"),
             new DatasetRows(DatasetCatalog.Orders, [Order("3", 1, 1)], "log:orders/0:2-2")],
            "processor", new Dictionary<TopicPartition, long> { [Orders0] = 3 }), CancellationToken.None);
        await _warehouse.CommitAsync(new WarehouseBatch([], "processor", new Dictionary<TopicPartition, long> { [Orders0] = 2 },
            DeleteSources: ["log:orders/0:2-2"], DeleteFrom: [DatasetCatalog.Orders]), CancellationToken.None);

        Assert.Equal([["1"], ["2"]], (await Rows("SELECT invoice_no FROM orders ORDER BY 1")).Select(r => r.Cast<object>().ToArray()).ToArray());
        Assert.Equal(2, (await _warehouse.GetOffsetsAsync("processor", CancellationToken.None))[Orders0]);
    }

    [Fact]
    public async Task Committed_rows_and_offsets_survive_reopening_the_file()
    {
        await _warehouse.CommitAsync(new WarehouseBatch(
            [new DatasetRows(DatasetCatalog.Categories, [Category(5, "five")], "log:categories/0:0-0")],
            "processor", new Dictionary<TopicPartition, long> { [Categories0] = 1 }), CancellationToken.None);
        await _warehouse.DisposeAsync();

        _warehouse = new DuckDbWarehouse(new DuckDbWarehouseOptions { Path = _dir.Combine("w.duckdb") });
        await _warehouse.InitializeAsync(DatasetCatalog.All, CancellationToken.None);
        Assert.Equal("five", (await Rows("SELECT category_name FROM categories WHERE id = 5"))[0][0]);
        Assert.Equal(1, (await _warehouse.GetOffsetsAsync("processor", CancellationToken.None))[Categories0]);
    }

    [Fact]
    public async Task Readers_see_commits_while_the_writer_holds_its_connection()
    {
        var reads = Enumerable.Range(0, 4).Select(_ => Task.Run(() => Rows("SELECT count(*) FROM orders"))).ToArray();
        await _warehouse.CommitAsync(new WarehouseBatch(
            [new DatasetRows(DatasetCatalog.Orders, [Order("1", 1, 1)], "log:orders/0:0-0")],
            "processor", new Dictionary<TopicPartition, long> { [Orders0] = 1 }), CancellationToken.None);
        await Task.WhenAll(reads);
        Assert.Equal(1L, (await Rows("SELECT count(*) FROM orders"))[0][0]);
    }
}
