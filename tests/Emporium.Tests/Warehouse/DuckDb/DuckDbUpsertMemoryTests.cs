using Emporium.Datasets;
using Emporium.Log;
using Emporium.Tests.TestSupport;
using Emporium.Warehouse;
using Emporium.Warehouse.DuckDb;

namespace Emporium.Tests.Warehouse.DuckDb;

/// <summary>A large batch of keys the table already holds, each once (a catalog loaded again with new prices), is
/// upserted within the buffer pool: the window that keeps the latest row of a repeated key held every row of the
/// batch with all its columns, and ran out of memory on 1.4M products under the default 512 MB.</summary>
public sealed class DuckDbUpsertMemoryTests
{
    private const int Rows = 100_000;

    private static readonly string Title = new('t', 600);

    private static WarehouseBatch Products(double price, string source) => new(
        [new DatasetRows(DatasetCatalog.Products, Enumerable.Range(0, Rows).Select(i => new CanonicalRecord(DatasetCatalog.Products,
            [$"B{i:D9}", $"{i:D9} {Title}", null, null, 4.5, 10L, price, null, 1L, false, null, null])).ToList(), source)],
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
}
