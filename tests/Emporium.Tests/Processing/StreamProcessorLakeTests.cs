using Emporium.Datasets;
using Emporium.Lake;
using Emporium.Processing;
using static Emporium.Tests.Processing.StreamProcessorTests;

namespace Emporium.Tests.Processing;

/// <summary>The lake is written for what several micro-batches committed, every flush interval or buffer's worth, and
/// stays exactly once through crashes that lose the buffer and through data dirs written before it had positions.</summary>
public sealed class StreamProcessorLakeTests
{
    private static readonly TimeSpan Never = TimeSpan.FromHours(1);

    private static StreamProcessorOptions Orders(int maxBuffered = 100_000) =>
        new() { Datasets = [DatasetCatalog.Orders], MaxBatchRecords = 50, MinBatchInterval = TimeSpan.Zero, LakeMaxBufferedRecords = maxBuffered };

    [Fact]
    public async Task The_lake_gets_one_file_set_per_partition_for_many_batches()
    {
        await using var h = await ProcessingHarness.StartAsync(Orders(), lakeFlushInterval: Never);
        var orders = Enumerable.Range(0, 230).Select(TestRecords.Order).ToList();
        await h.AppendAsync(orders);

        await h.DrainAsync();
        Assert.Equal(orders.Count, (await h.QueryAsync("SELECT * FROM orders")).Count);
        Assert.True(h.Processor.Stats.Batches >= 5, $"{h.Processor.Stats.Batches} batches");
        Assert.Empty(h.FilesOnDisk("raw", "orders"));
        Assert.Equal(orders.Count, h.Processor.Stats.LakePending);

        await h.Processor.FlushLakeAsync(CancellationToken.None);
        var stats = h.Processor.Stats;
        Assert.Equal((1L, (long)orders.Count, 0), (stats.LakeFlushes, stats.LakeRecords, stats.LakePending));
        Assert.Equal(Expected(orders), Texts(await h.LakeRowsAsync("orders", OrderColumns)));
        Assert.Equal(orders.Count, (await h.RawLinesAsync("orders")).Count);
        // One raw file per partition, each covering its whole range.
        var ends = await h.Log.GetEndOffsetsAsync("orders", CancellationToken.None);
        Assert.Equal(ends.Count(e => e.Value > 0), h.FilesOnDisk("raw", "orders").Count);
        var lake = await h.Warehouse.GetOffsetsAsync(h.Processor.Options.LakeGroup, CancellationToken.None);
        Assert.Equal(ends.Where(e => e.Value > 0), lake.Where(e => e.Value > 0).OrderBy(e => e.Key.Partition));
        var reported = await h.Log.GetGroupOffsetsAsync("stream", "orders", CancellationToken.None);
        Assert.Equal(lake.Where(e => e.Value > 0), reported.Where(e => e.Value > 0));
    }

    [Fact]
    public async Task A_full_buffer_writes_the_lake_before_the_interval()
    {
        await using var h = await ProcessingHarness.StartAsync(Orders(maxBuffered: 100), lakeFlushInterval: Never);
        await h.AppendAsync(Enumerable.Range(0, 230).Select(TestRecords.Order));

        await h.DrainAsync();

        var inLake = (await h.RawLinesAsync("orders")).Count;
        Assert.InRange(inLake, 100, 229);
    }

    [Fact]
    public async Task A_crash_that_loses_the_buffer_rewrites_the_lake_from_the_log_once()
    {
        await using var h = await ProcessingHarness.StartAsync(Orders(), lakeFlushInterval: Never);
        var orders = Enumerable.Range(0, 230).Select(TestRecords.Order).ToList();
        await h.AppendAsync(orders.Take(100));
        await h.DrainAsync();
        await h.Processor.FlushLakeAsync(CancellationToken.None);
        await h.AppendAsync(orders.Skip(100));
        await h.DrainAsync();

        await h.RestartAsync(); // the 130 buffered orders are only in the warehouse and the log now
        Assert.Equal(100, (await h.RawLinesAsync("orders")).Count);
        // Nothing is left for the warehouse; the lake re-reads its 130 in batches of 50.
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(0, await h.Processor.RunOnceAsync(CancellationToken.None));
        }
        await h.Processor.FlushLakeAsync(CancellationToken.None);

        Assert.Equal(orders.Count, (await h.RawLinesAsync("orders")).Count);
        Assert.Equal(Expected(orders), Texts(await h.QueryAsync($"SELECT {OrderColumns} FROM orders")));
        Assert.Equal(Expected(orders), Texts(await h.LakeRowsAsync("orders", OrderColumns)));
        Assert.Equal(orders.Count, (await h.RawLinesAsync("orders")).Count);
    }

    [Fact]
    public async Task A_data_dir_without_lake_positions_keeps_its_lake_and_continues_after_it()
    {
        await using var h = await ProcessingHarness.StartAsync(Orders());
        var orders = Enumerable.Range(0, 120).Select(TestRecords.Order).ToList();
        await h.AppendAsync(orders.Take(100));
        await h.DrainAsync();
        // A version that committed the lake with the rows stored no lake positions.
        await h.Warehouse.ExecuteAsync($"DELETE FROM _emporium_offsets WHERE group_name = '{h.Processor.Options.LakeGroup}'", CancellationToken.None);
        var files = h.FilesOnDisk("clean", "orders");

        await h.RestartAsync();
        Assert.Equal(files, h.FilesOnDisk("clean", "orders"));
        await h.AppendAsync(orders.Skip(100));
        await h.DrainAsync();

        Assert.Equal(Expected(orders), Texts(await h.LakeRowsAsync("orders", OrderColumns)));
        Assert.Equal(orders.Count, (await h.RawLinesAsync("orders")).Count);
    }

    [Fact]
    public async Task Stopping_a_running_processor_writes_what_the_lake_has_not_got()
    {
        await using var h = await ProcessingHarness.StartAsync(Orders(), lakeFlushInterval: Never);
        var orders = await RunningProcessorLandsOrdersAsync(h);
        Assert.Empty(await new LakeManifestStore(h.Lake).VisibleFilesAsync("orders", LakeLayout.Raw, CancellationToken.None));

        await h.Processor.StopAsync(CancellationToken.None);

        Assert.Equal(Expected(orders), Texts(await h.LakeRowsAsync("orders", OrderColumns)));
    }

    [Fact]
    public async Task A_stop_whose_time_ran_out_before_the_lake_was_written_returns_and_the_next_start_writes_it_once()
    {
        await using var h = await ProcessingHarness.StartAsync(Orders(), lakeFlushInterval: Never);
        var orders = await RunningProcessorLandsOrdersAsync(h);

        // The host's shutdown timeout has passed: a stop must not end the host's disposal with an exception.
        await h.Processor.StopAsync(new CancellationToken(canceled: true));
        Assert.Empty(await new LakeManifestStore(h.Lake).VisibleFilesAsync("orders", LakeLayout.Raw, CancellationToken.None));

        await h.RestartAsync(); // nothing is left for the warehouse; the lake re-reads its orders from the log
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(0, await h.Processor.RunOnceAsync(CancellationToken.None));
        }
        await h.Processor.FlushLakeAsync(CancellationToken.None);
        Assert.Equal(Expected(orders), Texts(await h.LakeRowsAsync("orders", OrderColumns)));
    }

    /// <summary>Starts the processor and appends 60 orders, back once the warehouse has them all (the lake, flushed
    /// never, has none of them yet).</summary>
    private static async Task<List<CanonicalRecord>> RunningProcessorLandsOrdersAsync(ProcessingHarness h)
    {
        var orders = Enumerable.Range(0, 60).Select(TestRecords.Order).ToList();
        await h.Processor.StartAsync(CancellationToken.None);
        await h.AppendAsync(orders);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(90);
        while ((await h.QueryAsync("SELECT * FROM orders")).Count < orders.Count)
        {
            Assert.True(DateTime.UtcNow < deadline, "the processor did not land the orders");
            await Task.Delay(20);
        }
        return orders;
    }
}
