using Emporium.Datasets;
using Emporium.Log;
using Emporium.Tests.TestSupport;
using Emporium.Warehouse;
using Emporium.Warehouse.DuckDb;

namespace Emporium.Tests.Warehouse.DuckDb;

/// <summary>A large batch of keys the table already holds (a catalog loaded again with new prices), with each key once
/// or repeated, is upserted within the buffer pool: a window keeping the latest row of a repeated key held every row of
/// the batch with all its columns, and ran out of memory on 1.4M products under the default 512 MB.</summary>
public sealed class DuckDbUpsertMemoryTests
{
    private const int Rows = 100_000;

    private static readonly string Title = new('t', 600);

    private static WarehouseBatch Products(double price, string source, int keys = Rows) => new(
        [new DatasetRows(DatasetCatalog.Products, Enumerable.Range(0, Rows).Select(i => new CanonicalRecord(DatasetCatalog.Products,
            [$"B{i % keys:D9}", $"{i:D9} {Title}", null, null, 4.5, 10L, price + i / keys, null, 1L, false, null, null])).ToList(), source)],
        "processor", new Dictionary<TopicPartition, long>());

    [Fact]
    public async Task Reloading_every_product_with_new_prices_fits_a_buffer_pool_smaller_than_the_batch()
    {
        using var dir = new TempDir("upsert-memory");
        // 100 000 rows of about 600 bytes, each title its own: past the 32 MB pool, as 1.4M products (336 MB) were past 512 MB.
        await using var warehouse = new DuckDbWarehouse(new DuckDbWarehouseOptions { Path = dir.Combine("w.duckdb"), MemoryLimit = "32MB" });
        await warehouse.InitializeAsync(DatasetCatalog.All, CancellationToken.None);
        await warehouse.CommitAsync(Products(10, "load:first"), CancellationToken.None);

        await warehouse.CommitAsync(Products(12.5, "load:second"), CancellationToken.None);

        var result = await warehouse.QueryAsync("SELECT count(*), count(DISTINCT asin), min(price), max(price) FROM products", CancellationToken.None);
        Assert.Equal([(object?)(long)Rows, (long)Rows, 12.5, 12.5], result.Rows[0]);
    }

    [Fact]
    public async Task Reloading_products_whose_keys_repeat_in_the_batch_fits_the_buffer_pool_and_keeps_the_latest_row()
    {
        using var dir = new TempDir("upsert-memory-repeated");
        await using var warehouse = new DuckDbWarehouse(new DuckDbWarehouseOptions { Path = dir.Combine("w.duckdb"), MemoryLimit = "32MB" });
        await warehouse.InitializeAsync(DatasetCatalog.All, CancellationToken.None);
        await warehouse.CommitAsync(Products(10, "load:first"), CancellationToken.None);

        // Each of 25 000 keys four times: the last occurrence of a key (price 12.5 + 3) must win.
        await warehouse.CommitAsync(Products(12.5, "load:second", keys: Rows / 4), CancellationToken.None);

        var result = await warehouse.QueryAsync(
            "SELECT count(*), count(DISTINCT asin), min(price), max(price), count(*) FILTER (WHERE _source = 'load:first') FROM products",
            CancellationToken.None);
        // Keys past 25 000 were not in the second batch: they keep the first load's row.
        Assert.Equal([(object?)(long)Rows, (long)Rows, 10.0, 15.5, (long)(Rows - Rows / 4)], result.Rows[0]);
        var reloaded = await warehouse.QueryAsync(
            "SELECT min(price), max(price), min(substr(title, 1, 9)) FROM products WHERE _source = 'load:second'", CancellationToken.None);
        Assert.Equal([(object?)15.5, 15.5, $"{3 * Rows / 4:D9}"], reloaded.Rows[0]);
    }
}
