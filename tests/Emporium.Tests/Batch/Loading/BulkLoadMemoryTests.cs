using Emporium.Datasets;
using Emporium.Tests.TestSupport;

namespace Emporium.Tests.Batch.Loading;

/// <summary>A file loaded on the bulk path whose keys repeat keeps the last row of each key within the buffer pool: a
/// window over the staged rows (row_number per key) held every row with all its columns, and a 1M-row file of 200 000
/// keys ran out of a 160 MB pool that loads 1M distinct keys.</summary>
public sealed class BulkLoadMemoryTests
{
    [Fact]
    public async Task A_file_whose_keys_repeat_loads_its_latest_rows_within_a_pool_smaller_than_the_file()
    {
        using var dir = new TempDir("bulk-memory");
        var path = dir.Combine("repeated_products.csv");
        const int keys = 200_000, times = 5;
        var filler = new string('x', 180);
        using (var writer = new StreamWriter(path))
        {
            writer.Write("asin,title,price,stars,observed_at\n");
            for (var round = 0; round < times; round++)
            {
                for (var k = 0; k < keys; k++)
                {
                    writer.Write($"B{k:D9},{(round == times - 1 ? "last" : "early")} {k} {filler},{round + 1}.50,4.5,2024-01-01 10:00:00\n");
                }
            }
        }
        Assert.True(new FileInfo(path).Length > 200_000_000);

        await using var h = await BatchHarness.StartAsync(memoryLimit: "160MB");
        var file = (await h.LoadAsync(DatasetCatalog.Products, path)).Files[0];

        Assert.Null(file.Error);
        Assert.True(file.Bulk);
        Assert.Equal(((long)keys, (long)keys * (times - 1)), (file.RowsLoaded, file.RowsDuplicateKey));
        Assert.Equal([(object?)(long)keys, (long)keys, (double)times + 0.5, (double)times + 0.5],
            (await h.RowsAsync("SELECT count(*), count(*) FILTER (WHERE title LIKE 'last %'), min(price), max(price) FROM products"))[0]);
    }
}
