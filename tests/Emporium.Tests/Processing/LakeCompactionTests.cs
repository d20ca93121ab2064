using Emporium.Datasets;
using Emporium.Lake;
using Emporium.Lake.Local;
using Emporium.Processing;
using Emporium.Tests.TestSupport;
using static Emporium.Tests.Processing.StreamProcessorTests;

namespace Emporium.Tests.Processing;

/// <summary>Compaction merges the lake's small files per log partition and level, and every row stays in the lake
/// exactly once: after merges, crashes in the middle of one, more batches and a replay into a merged range.</summary>
public sealed class LakeCompactionTests
{
    private static StreamProcessorOptions Orders() => new()
    {
        Datasets = [DatasetCatalog.Orders],
        MaxBatchRecords = 20,
        MinBatchInterval = TimeSpan.Zero,
        // Passes run only when a test asks for one.
        Compaction = new LakeCompactionOptions { Fanout = 3, Interval = TimeSpan.FromHours(1) },
    };

    [Fact]
    public async Task Merges_cut_the_files_and_keep_every_row_once_through_more_batches_and_a_replay()
    {
        await using var h = await ProcessingHarness.StartAsync(Orders());
        var orders = Enumerable.Range(0, 230).Select(TestRecords.Order).ToList();
        await h.AppendAsync(orders);
        await h.DrainAsync();
        var rawBefore = h.FilesOnDisk("raw", "orders").ToDictionary(f => f, f => File.ReadAllText(h.Lake.Resolve(f)));
        var filesBefore = AllFiles(h).Count;
        var manifestsBefore = (await ListAsync(h, "_manifests/orders/")).Count;

        var report = await h.Processor.CompactLakeAsync(CancellationToken.None);

        Assert.True(report.Merges > 0, "nothing merged");
        Assert.Equal(manifestsBefore - report.ManifestsMerged + report.Merges, (await ListAsync(h, "_manifests/orders/")).Count);
        Assert.Equal(filesBefore - report.FilesBefore + report.FilesAfter, AllFiles(h).Count);
        Assert.True(report.FilesAfter < report.FilesBefore, $"{report.FilesBefore} files became {report.FilesAfter}");
        await AssertLakeHoldsOnceAsync(h, orders);
        // A merged raw file is its inputs' bytes in offset order.
        var merged = h.FilesOnDisk("raw", "orders").Where(f => f.EndsWith(".c1.ndjson", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(merged);
        foreach (var file in merged)
        {
            Assert.True(LakeLayout.TryParseOffsetRange(Path.GetFileName(file), out var p, out var first, out var last));
            var folder = file[..file.LastIndexOf('/')];
            var inputs = rawBefore.Where(kv => kv.Key.StartsWith(folder + "/", StringComparison.Ordinal)
                    && LakeLayout.TryParseOffsetRange(Path.GetFileName(kv.Key), out var q, out var f, out var l) && q == p && f >= first && l <= last)
                .OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => kv.Value);
            Assert.Equal(string.Concat(inputs), File.ReadAllText(h.Lake.Resolve(file)));
        }

        // Further passes merge the merges, one level up, until no run is long enough.
        var level2 = await h.Processor.CompactLakeAsync(CancellationToken.None);
        Assert.True(level2.Merges > 0);
        Assert.Contains(h.FilesOnDisk("clean", "orders"), f => f.EndsWith(".c2.parquet", StringComparison.Ordinal));
        var merges = report.Merges + level2.Merges;
        for (var pass = await h.Processor.CompactLakeAsync(CancellationToken.None); pass.Merges > 0; pass = await h.Processor.CompactLakeAsync(CancellationToken.None))
        {
            merges += pass.Merges;
        }
        Assert.Equal(merges, h.Processor.Stats.LakeCompactions);
        await AssertLakeHoldsOnceAsync(h, orders);

        var more = Enumerable.Range(230, 70).Select(TestRecords.Order).ToList();
        await h.AppendAsync(more);
        await h.DrainAsync();
        await h.Processor.CompactLakeAsync(CancellationToken.None);
        // Offset 15 lies inside partition 0's first merged range (which starts at 0; its own batch started later): the
        // replay goes back to the merged range's start, and the merged files go with it.
        var replay = Assert.Single(await h.Processor.ReplayAsync(DatasetCatalog.Orders, 15, partition: 0, CancellationToken.None));
        Assert.Equal(0, replay.EffectiveOffset);
        await h.DrainAsync();

        var all = orders.Concat(more).ToList();
        Assert.Equal(Expected(all), Texts(await h.QueryAsync($"SELECT {OrderColumns} FROM orders")));
        await AssertLakeHoldsOnceAsync(h, all);
    }

    [Fact]
    public async Task Batches_start_a_background_pass_every_interval()
    {
        await using var h = await ProcessingHarness.StartAsync(Orders() with
        {
            Compaction = new LakeCompactionOptions { Fanout = 3, Interval = TimeSpan.FromMilliseconds(50) },
        });
        var orders = Enumerable.Range(0, 230).Select(TestRecords.Order).ToList();
        await h.AppendAsync(orders);
        await h.DrainAsync();

        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (h.Processor.Stats.LakeCompactions == 0 && waited.Elapsed < TimeSpan.FromSeconds(90))
        {
            await h.Processor.RunOnceAsync(CancellationToken.None);
        }
        Assert.True(h.Processor.Stats.LakeCompactions > 0, "no background pass merged anything");
        Assert.True(h.Processor.Stats.LakeFilesCompacted > h.Processor.Stats.LakeCompactions);
        await h.RestartAsync(); // (waits for a pass in flight)
        await AssertLakeHoldsOnceAsync(h, orders);
    }

    [Theory]
    [InlineData("compaction-merged")]
    [InlineData("compaction-published")]
    public async Task A_crash_in_the_middle_of_a_merge_is_finished_or_undone_at_the_next_start(string step)
    {
        await using var h = await ProcessingHarness.StartAsync(Orders());
        var orders = Enumerable.Range(0, 230).Select(TestRecords.Order).ToList();
        await h.AppendAsync(orders);
        await h.DrainAsync();

        h.Processor.FaultInjection = s => { if (s == step) throw new IOException("simulated crash at " + s); };
        await Assert.ThrowsAsync<IOException>(() => h.Processor.CompactLakeAsync(CancellationToken.None));

        // Left behind: a pending merge and its files. Published, it already hides what it replaces from readers.
        Assert.NotEmpty(await ListAsync(h, "_manifests/_pending/orders/"));
        Assert.Contains(h.FilesOnDisk("clean", "orders"), f => f.EndsWith(".c1.parquet", StringComparison.Ordinal));
        Assert.Equal(Expected(orders), Texts(await h.LakeRowsAsync("orders", OrderColumns)));

        await h.RestartAsync();
        await h.DrainAsync();

        await AssertLakeHoldsOnceAsync(h, orders);
        Assert.Equal(step == "compaction-published", h.FilesOnDisk("clean", "orders").Any(f => f.EndsWith(".c1.parquet", StringComparison.Ordinal)));
        // The next pass merges what the crashed one did not.
        Assert.True((await h.Processor.CompactLakeAsync(CancellationToken.None)).Merges > 0);
        await AssertLakeHoldsOnceAsync(h, orders);
    }

    [Fact]
    public async Task A_run_is_consecutive_manifests_of_one_partition_and_level_up_to_the_fanout_or_the_target_size()
    {
        using var dir = new TempDir("compaction-plan");
        var lake = new LocalLakeStore(dir.Combine("lake"));
        var manifests = new LakeManifestStore(lake);
        async Task PublishAsync(int partition, long first, long last, long bytes, int level = 0) =>
            await manifests.PublishAsync(new LakeManifest("orders", LakeLayout.OffsetRange(partition, first, last), "log", [new("x", LakeLayout.Raw, 1, bytes)], DateTimeOffset.UnixEpoch) { Level = level }, CancellationToken.None);
        await PublishAsync(0, 0, 9, 10);
        await PublishAsync(0, 10, 19, 10);
        await PublishAsync(0, 20, 29, 10);    // three: the fanout
        await PublishAsync(0, 30, 39, 200);   // as large as the target: never merged again
        await PublishAsync(0, 40, 49, 60);
        await PublishAsync(0, 50, 59, 60);    // two reach the target together
        await PublishAsync(0, 60, 69, 10, level: 1);
        await PublishAsync(0, 70, 79, 10);
        await PublishAsync(0, 80, 89, 10);    // a level apart: two of level 0 are not enough
        await PublishAsync(1, 0, 9, 10);
        await PublishAsync(1, 10, 19, 10);
        await PublishAsync(1, 25, 30, 10);    // a gap (never in a healthy lake) ends a run
        await PublishAsync(2, 0, 9, 10);
        await PublishAsync(2, 10, 19, 10);
        await PublishAsync(2, 20, 29, 10);    // partition 2 is another member's
        await manifests.PublishAsync(new LakeManifest("orders", "file-abc", "file", [new("y", LakeLayout.Raw, 1, 1)], DateTimeOffset.UnixEpoch), CancellationToken.None);
        using var parquet = new ParquetWriter(dir.Combine("tmp"));
        var compactor = new LakeCompactor(lake, manifests, parquet, dir.Combine("tmp"),
            new LakeCompactionOptions { Fanout = 3, TargetBytes = 100 }, TimeProvider.System);

        var plans = await compactor.PlanAsync("orders", new HashSet<int> { 0, 1 }, CancellationToken.None);

        Assert.Equal(
            ["p0-000000000000-000000000029.c1: p0-000000000000-000000000009 p0-000000000010-000000000019 p0-000000000020-000000000029",
             "p0-000000000040-000000000059.c1: p0-000000000040-000000000049 p0-000000000050-000000000059"],
            plans.Select(p => $"{p.Id}: {string.Join(" ", p.Inputs.Select(m => m.Id))}"));
    }

    private static List<string> AllFiles(ProcessingHarness h) => [.. h.FilesOnDisk("clean", "orders"), .. h.FilesOnDisk("raw", "orders")];

    /// <summary>Each record once in the visible clean and raw files, no pending manifest, and nothing on disk that no
    /// published manifest names.</summary>
    private static async Task AssertLakeHoldsOnceAsync(ProcessingHarness h, IReadOnlyList<CanonicalRecord> records)
    {
        Assert.Equal(Expected(records), Texts(await h.LakeRowsAsync("orders", OrderColumns)));
        Assert.Equal(records.Count, (await h.RawLinesAsync("orders")).Count);
        Assert.Empty(await ListAsync(h, "_manifests/_pending/"));
        var visible = (await VisibleAsync(h))
            .Concat(await new LakeManifestStore(h.Lake).VisibleFilesAsync("orders", LakeLayout.Raw, CancellationToken.None)).Order().ToList();
        Assert.Equal(visible, AllFiles(h).Order().ToList());
    }
}
