using Emporium.Datasets;
using Emporium.Lake;
using Emporium.Lake.Local;
using Emporium.Log;
using Emporium.Log.Embedded;
using Emporium.Processing;
using Emporium.Tests.TestSupport;
using Emporium.Warehouse.DuckDb;

namespace Emporium.Tests.Processing;

/// <summary>A replay moves back to a point no committed range straddles, however the warehouse's batches and the
/// lake's files are cut, so an append dataset's rows that will be read again are all deleted first.</summary>
public sealed class ReplayServiceTests
{
    [Fact]
    public async Task Ranges_cut_differently_in_the_warehouse_and_the_lake_move_the_replay_back_until_none_is_split()
    {
        using var dir = new TempDir("replay-ranges");
        await using var warehouse = new DuckDbWarehouse(new DuckDbWarehouseOptions { Path = dir.Combine("w.duckdb") });
        await warehouse.InitializeAsync([DatasetCatalog.Orders], CancellationToken.None);
        // Warehouse batches 0–59 and 60–99; lake files 0–39 and 40–79 (as a restart's re-read for the lake cuts them).
        await warehouse.CommitAsync(TestRecords.OrdersBatch(0, 60), CancellationToken.None);
        await warehouse.CommitAsync(TestRecords.OrdersBatch(60, 40), CancellationToken.None);
        var lake = new LocalLakeStore(dir.Combine("lake"));
        var manifests = new LakeManifestStore(lake);
        foreach (var (first, last) in new[] { (0L, 39L), (40L, 79L) })
        {
            await manifests.PublishAsync(new LakeManifest("orders", LakeLayout.OffsetRange(0, first, last), $"log:orders/0:{first}-{last}", [], DateTimeOffset.UnixEpoch), CancellationToken.None);
        }

        // 65 is in the warehouse's 60–99 and the lake's 40–79; 40 is in the warehouse's 0–59: back to 0.
        var result = Assert.Single(await new ReplayService(warehouse, lake, new InMemoryEventLog()).ReplayAsync("stream", DatasetCatalog.Orders, 65, 0, CancellationToken.None));

        Assert.Equal((0L, 100L, 2), (result.EffectiveOffset, result.PreviousOffset, result.DeletedSources));
        Assert.Equal(0L, (await warehouse.QueryAsync("SELECT count(*) FROM orders", CancellationToken.None)).Rows[0][0]);
        Assert.Equal(0L, (await warehouse.GetOffsetsAsync("stream", CancellationToken.None))[new TopicPartition("orders", 0)]);
    }

    [Fact]
    public async Task A_replay_from_before_the_log_start_keeps_the_rows_retention_took_from_the_log()
    {
        // Segments of 4 KiB and a size limit of four of them: retention deletes the oldest segments the processor is done with.
        await using var h = await ProcessingHarness.StartAsync(
            new StreamProcessorOptions { MaxBatchRecords = 25, Datasets = [DatasetCatalog.Orders] },
            logOptions: o => o with { SegmentBytes = 4096, Retention = new LogRetentionOptions { MaxAge = null, MaxBytesPerPartition = 16384, CheckInterval = null } });
        var orders = Enumerable.Range(0, 200).Select(TestRecords.Order).ToList();
        await h.AppendAsync(orders);
        await h.DrainAsync();
        Assert.True(await h.Log.ApplyRetentionAsync(CancellationToken.None) > 0);
        var starts = h.Log.GetStartOffsets("orders");
        Assert.Contains(starts.Values, s => s > 0);

        var results = await h.Processor.ReplayAsync(DatasetCatalog.Orders, 0, partition: null, CancellationToken.None);
        await h.DrainAsync();

        Assert.Equal(StreamProcessorTests.Expected(orders), StreamProcessorTests.Texts(await h.QueryAsync($"SELECT {StreamProcessorTests.OrderColumns} FROM orders")));
        Assert.Equal(StreamProcessorTests.Expected(orders), StreamProcessorTests.Texts(await h.LakeRowsAsync("orders", StreamProcessorTests.OrderColumns)));
        // The log no longer holds the first offsets: the replay starts where it can read again, on a range boundary.
        Assert.All(results.Where(r => r.Rewound), r => Assert.True(r.EffectiveOffset >= starts[r.Partition], $"{r.Partition} replayed from {r.EffectiveOffset}, log starts at {starts[r.Partition]}"));
        Assert.Contains(results, r => r.Rewound);
        Assert.All(results, r => Assert.Equal(starts[r.Partition], r.LogStartOffset));
    }
}
