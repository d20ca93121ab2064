using Emporium.Datasets;
using Emporium.Tests.TestSupport;

namespace Emporium.Tests.Batch.Loading;

/// <summary>A file loaded on the bulk path whose keys repeat keeps the last row of each key within the buffer pool: a
/// window over the staged rows (row_number per key) held every row with all its columns, and a 1M-row file of 200 000
/// keys ran out of a 160 MB pool that loads 1M distinct keys.</summary>
public sealed class BulkLoadMemoryTests
{
    /// <summary>An export of a few thousand columns (a wide feature table, a pivot) of which the dataset takes three: DuckDB
    /// parses every column of every 2 048-row chunk (about 16 bytes a field), so a 12 MB CSV of 3 000 columns ran the
    /// default 512 MB pool out on the bulk path ("the warehouse ran out of memory"), while the streaming reader, which
    /// keeps only the dataset's columns, loads it in seconds. Such a file takes the streaming path.</summary>
    [Fact]
    public async Task A_file_of_thousands_of_columns_loads_within_the_default_pool()
    {
        using var dir = new TempDir("bulk-memory");
        const int rows = 2_000, extra = 3_000;
        var csv = dir.Combine("wide.csv");
        var random = new Random(7);
        using (var writer = new StreamWriter(csv))
        {
            writer.Write("asin,title,price," + string.Join(',', Enumerable.Range(0, extra).Select(i => $"f{i}")) + "\n");
            for (var r = 0; r < rows; r++)
            {
                writer.Write($"B{r:D9},Lamp {r},{r}.5," + string.Join(',', Enumerable.Range(0, extra).Select(_ => random.Next(10))) + "\n");
            }
        }
        await using var h = await BatchHarness.StartAsync();
        var file = (await h.LoadAsync(DatasetCatalog.Products, csv)).Files[0];

        Assert.Null(file.Error);
        Assert.Equal((long)rows, file.RowsLoaded);
        Assert.Equal(Enumerable.Range(0, rows).Sum(r => r + 0.5), Convert.ToDouble((await h.RowsAsync("SELECT sum(price) FROM products"))[0][0], System.Globalization.CultureInfo.InvariantCulture));
    }

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
