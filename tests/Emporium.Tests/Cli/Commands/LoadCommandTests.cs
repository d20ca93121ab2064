using System.Globalization;
using System.Text;
using DuckDB.NET.Data;
using Emporium.Tests.Batch;
using Emporium.Tests.TestSupport;
using Emporium.Tests.Web.Dashboard;

namespace Emporium.Tests.Cli.Commands;

public sealed class LoadCommandTests
{
    private const int NdjsonRows = 250_000;

    private static async Task<string> WriteOrdersNdjsonAsync(TempDir dir)
    {
        var file = dir.Combine("big_orders.ndjson");
        await using var writer = new StreamWriter(file);
        for (var i = 0; i < NdjsonRows; i++)
        {
            await writer.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"{{\"InvoiceNo\":\"{536365 + i / 7}\",\"StockCode\":\"{85000 + i % 300}\",\"Description\":\"ITEM {i % 300}\",\"Quantity\":{1 + i % 12},\"InvoiceDate\":\"2010-12-{1 + i % 28:D2} 08:{i % 60:D2}:00\",\"UnitPrice\":{(i % 50) / 10.0 + 0.5},\"CustomerID\":\"{12000 + i % 900}\",\"Country\":\"{(i % 3 == 0 ? "France" : "United Kingdom")}\"}}"));
        }
        return file;
    }

    [Fact]
    public async Task SigkillMidStagedLoadCommitsNothingOrEverythingAndTheNextLoadCompletesExactlyOnce()
    {
        using var dir = new TempDir("batch-crash-staged");
        // NDJSON on DuckDB: staged row by row, then one transaction with its Parquet (BatchLoaderOptions.OneTransactionPerFile).
        var file = await WriteOrdersNdjsonAsync(dir);
        const int rows = NdjsonRows;
        string? data = null;
        for (var attempt = 1; attempt <= 3 && data is null; attempt++)
        {
            var candidate = dir.Combine($"data{attempt}");
            var output = new StringBuilder();
            using var process = BatchCli.Start(["load", file, "--dataset", "orders", "--data", candidate], output);
            // Kill at a random point once the raw copy is in the lake: while rows are staged, while the Parquet is
            // written beside the insert, or around the commit.
            var raw = Path.Combine(candidate, "lake", "raw", "orders");
            using var guard = new CancellationTokenSource(TimeSpan.FromMinutes(2));
            while (!process.HasExited && !(Directory.Exists(raw) && Directory.EnumerateFiles(raw, "*.ndjson", SearchOption.AllDirectories).Any()))
            {
                await Task.Delay(10, guard.Token);
            }
            await Task.Delay(Random.Shared.Next(0, 2500), guard.Token);
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync(guard.Token);
                data = ReadState(candidate).Loaded < rows ? candidate : null;
            }
        }
        Assert.True(data is not null, "every load finished before it could be killed; nothing was tested");

        var (committed, loaded) = ReadState(data!);
        Assert.Equal((0L, 0L), (committed, loaded)); // one transaction per file: nothing of it, not a chunk
        Assert.Empty(PublishedManifests(data!));

        var (code, text) = await BatchCli.RunAsync("load", file, "--dataset", "orders", "--data", data!);
        Assert.True(code == 0, text);
        Assert.DoesNotContain("resuming", text);
        Assert.Equal((rows, rows), ReadState(data!));
        var manifest = Assert.Single(PublishedManifests(data!));
        Assert.Equal(rows, ParquetRowsOf(data!, manifest));
        // Whatever scratch the killed load left (staged Parquet) went when the next load opened the data dir.
        Assert.Empty(Directory.EnumerateFileSystemEntries(Emporium.Batch.Loading.BatchScratch.Folder(data!)));
    }

    [Fact]
    public async Task SigkillMidChunkedLoadLeavesNoPartialParquetAndTheNextLoadResumesExactlyOnce()
    {
        using var dir = new TempDir("batch-crash");
        var data = dir.Combine("data");
        // The chunked path (the PostgreSQL warehouse's, here on DuckDB with staging off): whole chunks commit, and the
        // next load resumes after the last one.
        Directory.CreateDirectory(data);
        File.WriteAllText(Path.Combine(data, "emporium.json"), "{\"Batch\":{\"OneTransactionPerFile\":false}}");
        var file = await WriteOrdersNdjsonAsync(dir);
        const int rows = NdjsonRows;

        var output = new StringBuilder();
        using (var process = BatchCli.Start(["load", file, "--dataset", "orders", "--data", data], output))
        {
            // Kill once the first chunk's files are written, at a random point around its commit.
            var pending = Path.Combine(data, "lake", "_manifests", "_pending", "orders");
            using var guard = new CancellationTokenSource(TimeSpan.FromMinutes(2));
            while (!(Directory.Exists(pending) && Directory.EnumerateFiles(pending, "*.json").Any()))
            {
                Assert.False(process.HasExited, $"load ended before it could be killed:\n{output}");
                await Task.Delay(20, guard.Token);
            }
            await Task.Delay(Random.Shared.Next(0, 600), guard.Token);
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(guard.Token);
        }

        var (committed, loaded) = ReadState(data);
        Assert.True(committed < rows, "the load finished before the kill; nothing was tested");
        Assert.Equal(committed, loaded); // whole chunks only: the rows and their position commit together
        Assert.Equal(0, committed % 100_000);
        Assert.Empty(PublishedManifests(data));
        Assert.All(VisibleParquet(data), p => Assert.True(ParquetRows(p) > 0)); // no torn file under a visible name

        var (code, text) = await BatchCli.RunAsync("load", file, "--dataset", "orders", "--data", data);
        Assert.True(code == 0, text);
        if (committed > 0)
        {
            Assert.Contains($"resuming an interrupted load after row {committed}", text);
        }
        var (after, total) = ReadState(data);
        Assert.Equal(rows, after);
        Assert.Equal(rows, total);
        var manifest = Assert.Single(PublishedManifests(data));
        Assert.Equal(rows, ParquetRowsOf(data, manifest));

        var (again, againText) = await BatchCli.RunAsync("load", file, "--dataset", "orders", "--data", data);
        Assert.True(again == 0, againText);
        Assert.Contains("skipped", againText);
        Assert.Equal((rows, rows), ReadState(data));
    }

    [Fact]
    public async Task SigkillDuringACsvFastPathLoadCommitsNothingAndTheNextLoadLoadsTheFileOnce()
    {
        using var dir = new TempDir("batch-crash-csv");
        var file = dir.Combine("big_orders.csv");
        const int rows = 400_000;
        await using (var writer = new StreamWriter(file))
        {
            await writer.WriteLineAsync("InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country");
            for (var i = 0; i < rows; i++)
            {
                await writer.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                    $"{536365 + i / 7},{85000 + i % 300},ITEM {i % 300},{1 + i % 12},2010-12-{1 + i % 28:D2} 08:{i % 60:D2}:00,{(i % 50) / 10.0 + 0.5},{12000 + i % 900},{(i % 3 == 0 ? "France" : "United Kingdom")}"));
            }
        }

        // Kill once the file's Parquet starts reaching the lake (before its rows commit). The fast path is quick, so
        // a load that finishes between two polls is tried again in a fresh data dir.
        string? data = null;
        for (var attempt = 1; attempt <= 3 && data is null; attempt++)
        {
            var candidate = dir.Combine($"data{attempt}");
            var output = new StringBuilder();
            using var process = BatchCli.Start(["load", file, "--dataset", "orders", "--data", candidate], output);
            using var guard = new CancellationTokenSource(TimeSpan.FromMinutes(2));
            while (!process.HasExited && !VisibleParquet(candidate).Any())
            {
                await Task.Delay(10, guard.Token);
            }
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync(guard.Token);
                // The fast path commits the file's rows in one transaction and keeps no row offset, so whether the
                // kill came first is told by the rows: none (tested below) or all (too late; try again), never some.
                var loaded = ReadState(candidate).Loaded;
                Assert.True(loaded == 0 || loaded == rows, $"a killed load left {loaded} of its {rows} rows");
                data = loaded == 0 ? candidate : null;
            }
        }
        Assert.True(data is not null, "every load finished before it could be killed; nothing was tested");

        Assert.Equal((0L, 0L), ReadState(data!)); // one transaction per file: nothing of it is committed
        Assert.Empty(PublishedManifests(data!));

        var (code, text) = await BatchCli.RunAsync("load", file, "--dataset", "orders", "--data", data!);
        Assert.True(code == 0, text);
        Assert.Equal(rows, ReadState(data!).Loaded);
        var manifest = Assert.Single(PublishedManifests(data!));
        Assert.Equal(rows, ParquetRowsOf(data!, manifest));
    }

    [Fact]
    public async Task ExitCodesNameTheFileAndWhy()
    {
        using var dir = new TempDir("batch-cli");
        var data = dir.Combine("data");
        var bad = dir.Combine("broken.xlsx");
        File.WriteAllText(bad, "id,category_name\n1,A\n");
        var ragged = dir.Combine("ragged.csv");
        File.WriteAllText(ragged, "id,category_name\n1,A\n2,B,C\n");

        var (code, text) = await BatchCli.RunAsync("load", bad, SampleData.CategoriesCsv, "--dataset", "categories", "--data", data);
        Assert.Equal(1, code);
        Assert.Contains("broken.xlsx", text);
        Assert.Contains("named as xlsx", text);
        Assert.Contains("248", text);
        Assert.Contains("categories", text);
        // A load may start a data dir, but says so: a mistyped --data is seen at once, not in an empty dashboard.
        Assert.Contains($"emporium load: no data dir {data} yet: creating a new one", text, StringComparison.Ordinal);

        var (lenient, lenientText) = await BatchCli.RunAsync("load", ragged, "--dataset", "categories", "--data", data);
        Assert.True(lenient == 0, lenientText);
        Assert.DoesNotContain("creating a new one", lenientText, StringComparison.Ordinal);
        Assert.Contains("quarantine/categories/", lenientText);

        var (strict, strictText) = await BatchCli.RunAsync("load", ragged, "--dataset", "categories", "--data", data, "--strict", "--force");
        Assert.Equal(1, strict);
        Assert.Contains("--strict", strictText);

        var (unknown, unknownText) = await BatchCli.RunAsync("load", ragged, "--dataset", "nope", "--data", data);
        Assert.Equal(2, unknown);
        Assert.Contains("unknown dataset", unknownText);
    }

    [Fact]
    public async Task LoadGoesThroughTheServerThatOwnsTheDataDir()
    {
        await using var server = await EmporiumProcess.StartAsync();

        var (code, text) = await BatchCli.RunAsync("load", SampleData.ProductsCsv, "--dataset", "products", "--data", server.Data.Path);

        Assert.True(code == 0, text + server.Output);
        Assert.Contains("through the server", text);
        using var http = new HttpClient { BaseAddress = server.BaseAddress };
        var body = await http.PostAsync("api/v1/query", new StringContent("{\"sql\":\"SELECT count(*) FROM products\"}", Encoding.UTF8, "application/json"));
        var json = await body.Content.ReadAsStringAsync();
        Assert.Contains($"[[{File.ReadLines(SampleData.ProductsCsv).Count() - 1}]]", json.Replace(" ", ""));
        var catalog = await http.GetStringAsync("api/v1/catalog");
        Assert.Contains("amazon_products_small.csv", catalog);
    }

    private static (long Committed, long Loaded) ReadState(string data)
    {
        using var connection = new DuckDBConnection($"Data Source={Path.Combine(data, "warehouse.duckdb")}");
        connection.Open();
        using var cmd = connection.CreateCommand();
        cmd.CommandText = """
            SELECT coalesce((SELECT next_offset FROM _emporium_offsets WHERE group_name = 'batch' AND topic LIKE 'file:%' AND "partition" = 0), 0),
                   (SELECT count(*) FROM orders)
            """;
        using var reader = cmd.ExecuteReader();
        reader.Read();
        return (reader.GetInt64(0), reader.GetInt64(1));
    }

    private static List<string> PublishedManifests(string data)
    {
        var folder = Path.Combine(data, "lake", "_manifests", "orders");
        return Directory.Exists(folder) ? Directory.EnumerateFiles(folder, "*.json").ToList() : [];
    }

    private static IEnumerable<string> VisibleParquet(string data)
    {
        var clean = Path.Combine(data, "lake", "clean", "orders");
        return Directory.Exists(clean)
            ? Directory.EnumerateFiles(clean, "*.parquet", SearchOption.AllDirectories).Where(f => !Path.GetFileName(f).StartsWith('.'))
            : [];
    }

    private static long ParquetRows(string path)
    {
        using var connection = new DuckDBConnection("Data Source=:memory:");
        connection.Open();
        using var cmd = connection.CreateCommand();
        cmd.CommandText = $"SELECT count(*) FROM read_parquet('{path.Replace("'", "''")}')";
        return Convert.ToInt64(cmd.ExecuteScalar(), CultureInfo.InvariantCulture);
    }

    private static long ParquetRowsOf(string data, string manifest)
    {
        using var doc = System.Text.Json.JsonDocument.Parse(File.ReadAllText(manifest));
        return doc.RootElement.GetProperty("files").EnumerateArray()
            .Where(f => f.GetProperty("zone").GetString() == "clean")
            .Sum(f => ParquetRows(Path.Combine(data, "lake", f.GetProperty("path").GetString()!)));
    }
}
