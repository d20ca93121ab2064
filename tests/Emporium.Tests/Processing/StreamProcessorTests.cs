using System.Text;
using Emporium.Datasets;
using Emporium.Lake;
using Emporium.Log;
using Emporium.Processing;

namespace Emporium.Tests.Processing;

public sealed class StreamProcessorTests
{
    internal static readonly string OrderColumns = string.Join(", ", DatasetCatalog.Orders.Columns.Select(c => c.Name));

    internal static List<string> Expected(IEnumerable<CanonicalRecord> records) => records.Select(r => TestRecords.Text(r.Values)).Order(StringComparer.Ordinal).ToList();

    internal static List<string> Texts(IEnumerable<object?[]> rows) => rows.Select(r => TestRecords.Text(r)).Order(StringComparer.Ordinal).ToList();

    [Fact]
    public async Task Records_land_once_in_the_warehouse_and_in_both_lake_zones()
    {
        await using var h = await ProcessingHarness.StartAsync(new StreamProcessorOptions { MaxBatchRecords = 64 });
        var orders = Enumerable.Range(0, 300).Select(TestRecords.Order).ToList();
        orders.AddRange(orders.Take(5)); // identical lines sent again are kept: orders have no key
        var products = Enumerable.Range(0, 40).Select(i => TestRecords.Product($"B{i:D4}", 10 + i, 1)).ToList();
        var updates = Enumerable.Range(0, 10).Select(i => TestRecords.Product($"B{i:D4}", 99 + i, 2)).ToList();
        await h.AppendAsync([.. orders, .. products]);
        await h.AppendAsync(updates);

        await h.DrainAsync();

        Assert.Equal(Expected(orders), Texts(await h.QueryAsync($"SELECT {OrderColumns} FROM orders")));
        Assert.Equal(Expected(orders), Texts(await h.LakeRowsAsync("orders", OrderColumns)));

        var latest = products.Select(p => updates.FirstOrDefault(u => (string)u["asin"]! == (string)p["asin"]!) ?? p).ToList();
        var productColumns = string.Join(", ", DatasetCatalog.Products.Columns.Select(c => c.Name));
        Assert.Equal(Expected(latest), Texts(await h.QueryAsync($"SELECT {productColumns} FROM products")));

        // Raw keeps exactly what the log holds, once; clean products hold every version that was committed.
        var rawExpected = orders.Select(o => Encoding.UTF8.GetString(CanonicalJson.Serialize(o))).Order(StringComparer.Ordinal);
        Assert.Equal(rawExpected, (await h.RawLinesAsync("orders")).Order(StringComparer.Ordinal));
        Assert.Equal(50, (await h.RawLinesAsync("products")).Count);

        // Clean files are partitioned by date (and by country for orders) and named after their offset range.
        Assert.All(h.FilesOnDisk("clean", "orders"), f => Assert.Matches(@"^clean/orders/date=2010-12-0[123]/country=[A-Za-z%0-9]+/p[01]-\d{12}-\d{12}\.parquet$", f));
        Assert.Contains(h.FilesOnDisk("clean", "orders"), f => f.Contains("country=United%20Kingdom", StringComparison.Ordinal));

        var stats = h.Processor.Stats;
        Assert.Equal(orders.Count + products.Count + updates.Count, stats.Records);
        Assert.True(stats.Batches >= 6);
        var reported = await h.Log.GetGroupOffsetsAsync("stream", "orders", CancellationToken.None);
        Assert.Equal(await h.Log.GetEndOffsetsAsync("orders", CancellationToken.None), reported);
    }

    [Fact]
    public async Task Latest_record_per_key_wins_inside_one_batch_in_the_warehouse_and_the_clean_zone()
    {
        await using var h = await ProcessingHarness.StartAsync();
        await h.AppendAsync([TestRecords.Product("B1", 1, 1), TestRecords.Product("B1", 2, 2), TestRecords.Product("B1", 3, 3)]);
        await h.DrainAsync();

        Assert.Equal([[3.0, 3L]], (await h.QueryAsync("SELECT price, reviews FROM products")).Select(r => r.ToArray()).ToArray());
        Assert.Equal([[3.0, 3L]], (await h.LakeRowsAsync("products", "price, reviews")).Select(r => r.ToArray()).ToArray());
        Assert.Equal(3, (await h.RawLinesAsync("products")).Count);
    }

    [Theory]
    [InlineData("files")]
    [InlineData("lake")]
    [InlineData("lake-committed")]
    [InlineData("committed")]
    public async Task A_crash_at_any_step_of_a_batch_neither_loses_nor_duplicates_after_restart(string step)
    {
        await using var h = await ProcessingHarness.StartAsync(new StreamProcessorOptions { MaxBatchRecords = 50, Datasets = [DatasetCatalog.Orders] });
        var orders = Enumerable.Range(0, 230).Select(TestRecords.Order).ToList();
        await h.AppendAsync(orders);
        Assert.True(await h.Processor.RunOnceAsync(CancellationToken.None) > 0);

        h.Processor.FaultInjection = s => { if (s == step) throw new IOException("simulated crash at " + s); };
        await Assert.ThrowsAsync<IOException>(() => h.Processor.RunOnceAsync(CancellationToken.None));

        // The crashed batch left its rows in the warehouse and, past "committed", files without a published manifest.
        Assert.Equal(step != "committed", h.FilesOnDisk("clean", "orders").Except(await VisibleAsync(h)).Any());
        Assert.Equal(step is "lake" or "lake-committed", (await ListAsync(h, "_manifests/_pending/orders/")).Count > 0);

        await h.RestartAsync();
        await h.DrainAsync();

        Assert.Equal(Expected(orders), Texts(await h.QueryAsync($"SELECT {OrderColumns} FROM orders")));
        Assert.Equal(Expected(orders), Texts(await h.LakeRowsAsync("orders", OrderColumns)));
        Assert.Equal(orders.Count, (await h.RawLinesAsync("orders")).Count);
        Assert.Empty(await ListAsync(h, "_manifests/_pending/"));
        // Every file on disk is named by a published manifest: no uncommitted leftovers.
        var visible = (await VisibleAsync(h))
            .Concat(await new LakeManifestStore(h.Lake).VisibleFilesAsync("orders", LakeLayout.Raw, CancellationToken.None)).Order().ToList();
        Assert.Equal(visible, h.FilesOnDisk("clean", "orders").Concat(h.FilesOnDisk("raw", "orders")).Order().ToList());
    }

    [Fact]
    public async Task Hooks_enrich_and_drop_records_before_the_sinks()
    {
        await using var h = await ProcessingHarness.StartAsync(new StreamProcessorOptions { Datasets = [DatasetCatalog.Orders] });
        h.Processor.Hooks
            .Add("orders", r => (long)r["quantity"]! > 5 ? null : r)
            .Add("orders", r => new CanonicalRecord(r.Schema, r.Values.Select((v, i) => r.Schema.Columns[i].Name == "country" ? ((string)v!).ToUpperInvariant() : v).ToArray()));
        var orders = Enumerable.Range(0, 90).Select(TestRecords.Order).ToList();
        await h.AppendAsync(orders);
        await h.DrainAsync();

        var kept = orders.Where(o => (long)o["quantity"]! <= 5).ToList();
        var rows = await h.QueryAsync("SELECT country FROM orders");
        Assert.Equal(kept.Count, rows.Count);
        Assert.All(rows, r => Assert.Equal(((string)r[0]!).ToUpperInvariant(), r[0]));
        Assert.Equal(kept.Count, (await h.LakeRowsAsync("orders")).Count);
        Assert.Equal(orders.Count, (await h.RawLinesAsync("orders")).Count);
        Assert.Equal(orders.Count, h.Processor.Stats.Records);
    }

    [Fact]
    public async Task A_caught_up_processor_lands_a_trickle_at_most_once_per_batch_interval()
    {
        var interval = TimeSpan.FromMilliseconds(400);
        await using var h = await ProcessingHarness.StartAsync(new StreamProcessorOptions { Datasets = [DatasetCatalog.Orders], MinBatchInterval = interval });
        await h.Processor.StartAsync(CancellationToken.None);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var orders = Enumerable.Range(0, 40).Select(TestRecords.Order).ToList();
        foreach (var order in orders)
        {
            await h.AppendAsync([order]);
            await Task.Delay(25);
        }
        while ((long)(await h.QueryAsync("SELECT count(*) FROM orders"))[0][0]! < orders.Count)
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(90), "the trickle did not land");
            await Task.Delay(20);
        }

        // One record every 25 ms would otherwise make a batch of one or two records each: here each batch waits for
        // the interval, so no more batches than intervals fit in the run (plus the first).
        var batches = h.Processor.Stats.Batches;
        Assert.InRange(batches, 2, (long)(clock.Elapsed / interval) + 1);
        Assert.Equal(Expected(orders), Texts(await h.QueryAsync($"SELECT {OrderColumns} FROM orders")));
    }

    [Fact]
    public async Task Batches_grow_while_behind_and_land_a_backlog_in_fewer_transactions()
    {
        await using var h = await ProcessingHarness.StartAsync(new StreamProcessorOptions { Datasets = [DatasetCatalog.Orders], MaxBatchRecords = 50, MaxCatchUpBatchRecords = 200 });
        var orders = Enumerable.Range(0, 1000).Select(TestRecords.Order).ToList();
        await h.AppendAsync(orders);
        await h.Processor.StartAsync(CancellationToken.None);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while ((long)(await h.QueryAsync("SELECT count(*) FROM orders"))[0][0]! < orders.Count)
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(90), "the backlog did not land");
            await Task.Delay(20);
        }

        // 50, 100, then 200 a batch: 7 transactions where batches of 50 would take 20.
        Assert.InRange(h.Processor.Stats.Batches, 6, 8);
        Assert.Equal(Expected(orders), Texts(await h.QueryAsync($"SELECT {OrderColumns} FROM orders")));
    }

    [Fact]
    public async Task Entries_that_are_not_canonical_json_are_skipped_but_kept_raw()
    {
        await using var h = await ProcessingHarness.StartAsync(new StreamProcessorOptions { Datasets = [DatasetCatalog.Orders] });
        await h.AppendAsync([TestRecords.Order(1)]);
        await h.Log.AppendAsync("orders", [new LogMessage(null, Encoding.UTF8.GetBytes("{\"quantity\":\"many\"}"))], CancellationToken.None);
        await h.AppendAsync([TestRecords.Order(2)]);
        await h.DrainAsync();

        Assert.Equal(2L, (await h.QueryAsync("SELECT count(*) FROM orders"))[0][0]);
        Assert.Equal(1, h.Processor.Stats.PoisonRecords);
        Assert.Contains("{\"quantity\":\"many\"}", await h.RawLinesAsync("orders"));
    }

    [Fact]
    public async Task Replaying_orders_rereads_the_log_without_doubling_rows()
    {
        await using var h = await ProcessingHarness.StartAsync(new StreamProcessorOptions { MaxBatchRecords = 30, Datasets = [DatasetCatalog.Orders] });
        var orders = Enumerable.Range(0, 200).Select(TestRecords.Order).ToList();
        await h.AppendAsync(orders);
        await h.DrainAsync();
        var before = h.Processor.Stats.Records;

        var results = await h.Processor.ReplayAsync(DatasetCatalog.Orders, 45, partition: null, CancellationToken.None);

        Assert.NotEmpty(results);
        Assert.All(results.Where(r => r.PreviousOffset > 45), r => Assert.True(r.Rewound));
        // 45 falls inside a committed batch: the whole batch is replayed, from its first offset.
        Assert.All(results.Where(r => r.Rewound), r => Assert.True(r.EffectiveOffset <= 45 && r.EffectiveOffset > 45 - 30, $"effective {r.EffectiveOffset}"));
        var remaining = (long)(await h.QueryAsync("SELECT count(*) FROM orders"))[0][0]!;
        Assert.Equal(results.Sum(r => r.EffectiveOffset), remaining);

        await h.DrainAsync();
        Assert.Equal(before + results.Sum(r => r.PreviousOffset - r.EffectiveOffset), h.Processor.Stats.Records);
        Assert.Equal(Expected(orders), Texts(await h.QueryAsync($"SELECT {OrderColumns} FROM orders")));
        Assert.Equal(Expected(orders), Texts(await h.LakeRowsAsync("orders", OrderColumns)));
        Assert.Equal(orders.Count, (await h.RawLinesAsync("orders")).Count);
    }

    [Fact]
    public async Task Replay_from_the_cli_path_without_a_running_processor_is_picked_up_on_start()
    {
        await using var h = await ProcessingHarness.StartAsync(new StreamProcessorOptions { MaxBatchRecords = 25, Datasets = [DatasetCatalog.Orders] });
        var orders = Enumerable.Range(0, 100).Select(TestRecords.Order).ToList();
        await h.AppendAsync(orders);
        await h.DrainAsync();

        var partition = (await h.Warehouse.GetOffsetsAsync("stream", CancellationToken.None)).Keys.Max(k => k.Partition);
        var results = await new ReplayService(h.Warehouse, h.Lake, h.Log).ReplayAsync("stream", DatasetCatalog.Orders, 10, partition, CancellationToken.None);
        Assert.Equal([new TopicPartition("orders", partition)], results.Select(r => r.Partition));
        Assert.Equal(0, results[0].EffectiveOffset);
        Assert.True(results[0].DeletedSources > 1);

        await h.RestartAsync();
        await h.DrainAsync();
        Assert.Equal(Expected(orders), Texts(await h.QueryAsync($"SELECT {OrderColumns} FROM orders")));
        Assert.Equal(Expected(orders), Texts(await h.LakeRowsAsync("orders", OrderColumns)));
    }

    [Fact]
    public async Task The_running_processor_wakes_on_new_data()
    {
        await using var h = await ProcessingHarness.StartAsync(new StreamProcessorOptions { Datasets = [DatasetCatalog.Orders], MaxWait = TimeSpan.FromSeconds(5) });
        await h.Processor.StartAsync(CancellationToken.None);
        await h.AppendAsync(Enumerable.Range(0, 10).Select(TestRecords.Order));

        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while ((long)(await h.QueryAsync("SELECT count(*) FROM orders"))[0][0]! < 10)
        {
            await Task.Delay(20, deadline.Token);
        }
        await h.Processor.StopAsync(CancellationToken.None);
        Assert.Equal(10, h.Processor.Stats.Records);
        Assert.True(h.Processor.Stats.FreshnessP99 > TimeSpan.Zero);
    }

    internal static async Task<IReadOnlyList<string>> VisibleAsync(ProcessingHarness h) =>
        await new LakeManifestStore(h.Lake).VisibleFilesAsync("orders", LakeLayout.Clean, CancellationToken.None);

    internal static async Task<List<string>> ListAsync(ProcessingHarness h, string prefix)
    {
        var list = new List<string>();
        await foreach (var o in h.Lake.ListAsync(prefix, CancellationToken.None))
        {
            list.Add(o.Path);
        }
        return list;
    }
}
