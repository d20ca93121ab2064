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
    public async Task A_keyed_table_made_with_a_primary_key_is_rebuilt_without_it_keeping_rows_and_not_null_keys()
    {
        await _warehouse.DisposeAsync();
        var path = _dir.Combine("old.duckdb");
        using (var old = new DuckDB.NET.Data.DuckDBConnection($"Data Source={path}"))
        {
            old.Open();
            using var cmd = old.CreateCommand();
            cmd.CommandText = """
                CREATE TABLE categories (id BIGINT NOT NULL, category_name VARCHAR, _source VARCHAR, _loaded_at TIMESTAMP, PRIMARY KEY (id));
                INSERT INTO categories VALUES (5, 'five', 'log:categories/0:0-0', TIMESTAMP '2024-01-01'), (6, 'six', 'log:categories/0:1-1', TIMESTAMP '2024-01-01');
                """;
            cmd.ExecuteNonQuery();
        }

        _warehouse = new DuckDbWarehouse(new DuckDbWarehouseOptions { Path = path });
        await _warehouse.InitializeAsync(DatasetCatalog.All, CancellationToken.None);

        Assert.Equal(0L, (await Rows("SELECT count(*) FROM duckdb_constraints() WHERE table_name = 'categories' AND constraint_type = 'PRIMARY KEY'"))[0][0]);
        Assert.Equal(1L, (await Rows("SELECT count(*) FROM duckdb_constraints() WHERE table_name = 'categories' AND constraint_type = 'NOT NULL'"))[0][0]);
        Assert.Equal(["five", "six"], (await Rows("SELECT category_name FROM categories ORDER BY id")).Select(r => (string)r[0]!));
        // Upserts still keep one row per key, the latest.
        await _warehouse.CommitAsync(new WarehouseBatch(
            [new DatasetRows(DatasetCatalog.Categories, [Category(5, "old five"), Category(5, "new five")], "log:categories/0:2-3")],
            "processor", new Dictionary<TopicPartition, long> { [Categories0] = 4 }), CancellationToken.None);
        Assert.Equal(["new five", "six"], (await Rows("SELECT category_name FROM categories ORDER BY id")).Select(r => (string)r[0]!));
    }

    [Fact]
    public async Task Many_commits_do_not_pile_up_staged_rows_in_memory()
    {
        // DuckDB never reclaims a temp table's deleted rows: a staging table emptied with DELETE before each commit held
        // every row ever staged, and each commit scanned them all.
        const int commits = 50, rows = 2_000;
        var staged = new List<long>();
        for (var c = 0; c < commits; c++)
        {
            var batch = Enumerable.Range(0, rows).Select(i => Order($"{c}-{i}", 1 + i % 7, 2.5)).ToList();
            await _warehouse.CommitAsync(new WarehouseBatch(
                [new DatasetRows(DatasetCatalog.Orders, batch, $"log:orders/0:{c * rows}-{(c + 1) * rows - 1}")],
                "processor", new Dictionary<TopicPartition, long> { [Orders0] = (c + 1) * rows }), CancellationToken.None);
            staged.Add(_warehouse.StagedRowVersions("orders"));
        }

        Assert.True(staged.All(s => s == rows), $"rows in the staging table after each commit: {string.Join(", ", staged)}");

        Assert.Equal((long)commits * rows, (await Rows("SELECT count(*) FROM orders"))[0][0]);
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
