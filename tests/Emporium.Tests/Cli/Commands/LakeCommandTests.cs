using System.Text;
using System.Text.Json;
using Emporium.Datasets;
using Emporium.Lake;
using Emporium.Processing;
using Emporium.Tests.Batch;
using Emporium.Tests.Processing;
using Emporium.Tests.Web.Dashboard;

namespace Emporium.Tests.Cli.Commands;

/// <summary><c>emporium lake stats</c> reads the data dir's lake itself when no server runs, and through the server
/// when one does; its numbers are the files on disk and the records that went in.</summary>
public sealed class LakeCommandTests
{
    [Fact]
    public async Task Stats_of_a_stopped_data_dir_count_the_files_rows_and_levels_on_disk()
    {
        await using var h = await ProcessingHarness.StartAsync(new StreamProcessorOptions
        {
            MaxBatchRecords = 20,
            MinBatchInterval = TimeSpan.Zero,
            Compaction = new LakeCompactionOptions { Fanout = 3, Interval = TimeSpan.FromHours(1) },
        });
        var orders = Enumerable.Range(0, 230).Select(TestRecords.Order).ToList();
        await h.AppendAsync(orders);
        await h.DrainAsync();
        var merges = (await h.Processor.CompactLakeAsync(CancellationToken.None)).Merges;
        Assert.True(merges > 0);
        var published = (await StreamProcessorTests.ListAsync(h, "_manifests/orders/")).Count;
        await h.StopAsync();

        var (code, text) = await BatchCli.RunAsync("lake", "stats", "--format", "json", "--data", h.DataDir);

        Assert.True(code == 0, text);
        var report = JsonDocument.Parse(text).RootElement;
        Assert.EndsWith("/lake", report.GetProperty("lake").GetString(), StringComparison.Ordinal);
        var ordersReport = report.GetProperty("datasets").EnumerateArray().Single(d => d.GetProperty("dataset").GetString() == "orders");
        Assert.Equal(published, ordersReport.GetProperty("manifests").GetInt32());
        Assert.Equal(merges, ordersReport.GetProperty("manifestsByLevel").GetProperty("1").GetInt32());
        Assert.Equal(0, ordersReport.GetProperty("pending").GetInt32());
        foreach (var zone in ordersReport.GetProperty("zones").EnumerateArray())
        {
            var name = zone.GetProperty("zone").GetString()!;
            var files = h.FilesOnDisk(name, "orders");
            Assert.Equal(files.Count, zone.GetProperty("files").GetInt32());
            Assert.Equal(files.Sum(f => new FileInfo(h.Lake.Resolve(f)).Length), zone.GetProperty("bytes").GetInt64());
            Assert.Equal(orders.Count, zone.GetProperty("rows").GetInt64());
        }

        (code, text) = await BatchCli.RunAsync("lake", "stats", "--data", h.DataDir);
        Assert.True(code == 0, text);
        Assert.Contains($"L1: {merges}", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Stats_of_a_data_dir_without_a_lake_fail_and_create_nothing()
    {
        using var dir = new Emporium.Tests.TestSupport.TempDir("no-lake");
        var missing = dir.Combine("mistyped");

        var (code, text) = await BatchCli.RunAsync("lake", "stats", "--data", missing);

        Assert.True(code == 2, text);
        Assert.Contains($"emporium lake stats: no lake in {missing} yet", text, StringComparison.Ordinal);
        Assert.False(Directory.Exists(missing));
    }

    [Fact]
    public async Task Stats_of_a_running_server_come_through_it()
    {
        await using var server = await EmporiumProcess.StartAsync();
        using var http = new HttpClient { BaseAddress = server.BaseAddress };
        var lines = string.Join('\n', Enumerable.Range(0, 25).Select(i =>
            $$"""{"invoice_no":"K{{i}}","stock_code":"S{{i % 7}}","description":"item","quantity":1,"invoice_date":"2024-01-02 10:00:00","unit_price":2.5,"customer_id":{{17850 + i}},"country":"France"}"""));
        using (var sent = await http.PostAsync("api/v1/ingest/orders", new StringContent(lines, Encoding.UTF8, "application/x-ndjson")))
        {
            Assert.Equal(System.Net.HttpStatusCode.Accepted, sent.StatusCode);
        }

        long raw = 0;
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (raw < 25 && DateTime.UtcNow < deadline)
        {
            var (code, text) = await BatchCli.RunAsync("lake", "stats", "--format", "json", "--data", server.Data.Path);
            Assert.True(code == 0, text);
            raw = JsonDocument.Parse(text).RootElement.GetProperty("datasets").EnumerateArray()
                .Where(d => d.GetProperty("dataset").GetString() == "orders")
                .SelectMany(d => d.GetProperty("zones").EnumerateArray())
                .Where(z => z.GetProperty("zone").GetString() == LakeLayout.Raw)
                .Sum(z => z.GetProperty("rows").GetInt64());
        }
        Assert.Equal(25, raw);
    }
}
