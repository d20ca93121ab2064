using Emporium.Datasets;
using Emporium.Log;
using Emporium.Tests.TestSupport;
using Emporium.Warehouse;
using Emporium.Warehouse.DuckDb;

namespace Emporium.Tests.Warehouse.DuckDb;

public sealed class DuckDbWarehouseTests : WarehouseScenarioTests, IAsyncLifetime
{
    private readonly TempDir _dir = new("warehouse");
    private DuckDbWarehouse _warehouse = null!;

    public async Task InitializeAsync()
    {
        _warehouse = new DuckDbWarehouse(new DuckDbWarehouseOptions { Path = _dir.Combine("w.duckdb") });
        await _warehouse.InitializeAsync(DatasetCatalog.Streamed, CancellationToken.None);
    }

    public async Task DisposeAsync()
    {
        await _warehouse.DisposeAsync();
        _dir.Dispose();
    }

    protected override IWarehouse Warehouse => _warehouse;

    protected override void SetFault(Action<string>? fault) => _warehouse.FaultInjection = fault;

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
