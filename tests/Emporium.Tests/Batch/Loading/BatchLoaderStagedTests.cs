using System.Globalization;
using System.Text;
using Emporium.Batch.Loading;
using Emporium.Datasets;
using Emporium.Lake;
using Emporium.Tests.TestSupport;
using static Emporium.Tests.Batch.BatchTestFiles;

namespace Emporium.Tests.Batch.Loading;

/// <summary>On DuckDB a file the streaming readers read (here NDJSON) is staged and commits in one transaction with its
/// clean Parquet (<see cref="BatchLoaderOptions.OneTransactionPerFile"/>).</summary>
public sealed class BatchLoaderStagedTests
{
    /// <summary><paramref name="rows"/> order lines; every <paramref name="badEvery"/>-th has a quantity that is not a
    /// number (a reject).</summary>
    private static string OrdersNdjson(TempDir dir, int rows, int badEvery)
    {
        var path = dir.Combine($"orders-{rows}-{badEvery}.ndjson");
        var text = new StringBuilder();
        for (var i = 0; i < rows; i++)
        {
            var quantity = i % badEvery == badEvery - 1 ? "\"many\"" : (1 + i % 12).ToString(CultureInfo.InvariantCulture);
            text.Append(CultureInfo.InvariantCulture,
                $"{{\"InvoiceNo\":\"{536365 + i / 7}\",\"StockCode\":\"{85000 + i % 300}\",\"Description\":\"ITEM {i % 300}\",\"Quantity\":{quantity},\"InvoiceDate\":\"2010-12-{1 + i % 28:D2} 08:{i % 60:D2}:00\",\"UnitPrice\":{(i % 50) / 10.0 + 0.5},\"CustomerID\":\"{12000 + i % 900}\",\"Country\":\"{(i % 3 == 0 ? "France" : "United Kingdom")}\"}}\n");
        }
        File.WriteAllText(path, text.ToString());
        return path;
    }

    private static async Task<long> CleanParquetRowsAsync(BatchHarness h)
    {
        var clean = await h.VisibleAsync("orders", LakeLayout.Clean);
        return clean.Count == 0 ? 0 : DuckScalar<long>($"SELECT count(*) FROM read_parquet([{string.Join(", ", clean.Select(c => Sql(h.LakeStore.Resolve(c))))}])");
    }

    [Fact]
    public async Task A_failed_commit_leaves_nothing_and_the_next_load_lands_the_file_once()
    {
        using var dir = new TempDir("staged");
        var file = OrdersNdjson(dir, 30_000, 1000);
        await using var h = await BatchHarness.StartAsync(new BatchLoaderOptions { ChunkRows = 1000 });
        h.Warehouse.FaultInjection = step =>
        {
            if (step == "rows")
            {
                throw new IOException("injected failure after the rows were inserted");
            }
        };

        var failed = (await h.LoadAsync(DatasetCatalog.Orders, file)).Files.Single();
        Assert.Equal(FileLoadStatus.Failed, failed.Status);
        Assert.Contains("injected failure", failed.Error, StringComparison.Ordinal);

        Assert.Equal(0, await h.CountAsync("SELECT count(*) FROM orders")); // not even a chunk of 1 000
        Assert.Empty(await h.VisibleAsync("orders", LakeLayout.Clean));
        Assert.Equal(0, await h.CountAsync("SELECT count(*) FROM duckdb_tables() WHERE database_name = '_emporium_bulk'"));

        h.Warehouse.FaultInjection = null;
        var loaded = (await h.LoadAsync(DatasetCatalog.Orders, file)).Files.Single();
        Assert.Equal(FileLoadStatus.Loaded, loaded.Status);
        Assert.Equal((30_000L, 29_970L, 30L), (loaded.RowsRead, loaded.RowsLoaded, loaded.RowsRejected));
        Assert.DoesNotContain(loaded.Warnings, w => w.Contains("resuming", StringComparison.Ordinal));
        Assert.Equal(29_970, await h.CountAsync("SELECT count(*) FROM orders"));
        Assert.Equal(29_970, await CleanParquetRowsAsync(h));
        var quarantined = loaded.Quarantine.Sum(q => File.ReadAllLines(h.LakeStore.Resolve(q)).Length);
        Assert.Equal(30, quarantined);
    }

    [Fact]
    public async Task Staged_and_chunked_loads_give_the_same_rows_in_the_same_order()
    {
        using var dir = new TempDir("staged");
        var file = OrdersNdjson(dir, 12_345, 97);
        await using var staged = await BatchHarness.StartAsync();
        await using var chunked = await BatchHarness.StartAsync(new BatchLoaderOptions { ChunkRows = 1000, OneTransactionPerFile = false });

        var a = (await staged.LoadAsync(DatasetCatalog.Orders, file)).Files.Single();
        var b = (await chunked.LoadAsync(DatasetCatalog.Orders, file)).Files.Single();

        Assert.Equal((b.RowsRead, b.RowsLoaded, b.RowsRejected), (a.RowsRead, a.RowsLoaded, a.RowsRejected));
        Assert.Equal(12_345 - 12_345 / 97, a.RowsLoaded);
        const string rows = "SELECT invoice_no, stock_code, quantity, unit_price, invoice_date, country, customer_id FROM orders";
        var left = await staged.RowsAsync(rows);
        var right = await chunked.RowsAsync(rows);
        Assert.Equal(right.Count, left.Count);
        Assert.All(left.Zip(right), pair => Assert.Equal(pair.Second, pair.First)); // file order kept, row by row
        Assert.Equal(a.RowsLoaded, await CleanParquetRowsAsync(staged));
        Assert.Equal(await CleanParquetRowsAsync(chunked), await CleanParquetRowsAsync(staged));
    }

    [Fact]
    public async Task Rejects_are_written_out_every_fifty_thousand_and_all_of_them_are_kept()
    {
        using var dir = new TempDir("staged");
        var file = OrdersNdjson(dir, 60_000, 1); // every line rejected
        await using var h = await BatchHarness.StartAsync();

        var loaded = (await h.LoadAsync(DatasetCatalog.Orders, file)).Files.Single();

        Assert.Equal((60_000L, 0L, 60_000L), (loaded.RowsRead, loaded.RowsLoaded, loaded.RowsRejected));
        Assert.Equal(2, loaded.Quarantine.Count);
        Assert.Equal(60_000, loaded.Quarantine.Sum(q => File.ReadAllLines(h.LakeStore.Resolve(q)).Length));
        Assert.Equal(0, await h.CountAsync("SELECT count(*) FROM orders"));
    }

    [Fact]
    public async Task A_forced_reload_replaces_the_rows_in_the_same_transaction()
    {
        using var dir = new TempDir("staged");
        var file = OrdersNdjson(dir, 5_000, 1000);
        await using var h = await BatchHarness.StartAsync();
        await h.LoadAsync(DatasetCatalog.Orders, file);

        var again = await h.Loader.LoadAsync([file], new BatchLoadRequest(DatasetCatalog.Orders) { Force = true }, null, CancellationToken.None);

        Assert.Equal(FileLoadStatus.Loaded, again.Files.Single().Status);
        Assert.Equal(4_995, await h.CountAsync("SELECT count(*) FROM orders"));
        Assert.Equal(4_995, await CleanParquetRowsAsync(h));
    }
}
