using Emporium.Batch.Landing;
using Emporium.Batch.Loading;
using Emporium.Cli.Hosting;
using Emporium.Tests.Batch;
using Emporium.Tests.Batch.Landing;
using Emporium.Tests.TestSupport;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;

namespace Emporium.Tests.Cli.Hosting;

public sealed class LandingWatcherTests
{
    /// <summary>Every scan of a full disk logged "landing scan failed; retrying" with its whole stack trace: one every
    /// 2 s by default, hundreds of lines on a console.</summary>
    [Fact]
    public async Task Five_minutes_of_a_full_disk_are_one_stack_trace_then_a_reminder_a_minute_then_recovered()
    {
        var clock = new TestClock(new DateTimeOffset(2024, 3, 1, 12, 0, 0, TimeSpan.Zero));
        await using var h = await BatchHarness.StartAsync(time: clock);
        var lake = new LandingZoneTests.FullDiskLake(h.LakeStore) { Full = true };
        var loader = new BatchLoader(h.Warehouse, lake, h.Parquet, Emporium.Datasets.RecordNormalizer.Instance, clock);
        var options = new LandingOptions { StableFor = TimeSpan.Zero, ScanInterval = TimeSpan.FromSeconds(10) };
        var zone = new LandingZone(h.Combine("landing"), loader, clock, options);
        var folder = Directory.CreateDirectory(h.Combine("landing", "categories")).FullName;
        File.Copy(SampleData.CategoriesCsv, Path.Combine(folder, "amazon_categories.csv"));
        var logger = new FakeLogger<LandingWatcher>();
        using var watcher = new LandingWatcher(zone, options, clock, logger);
        using var guard = new CancellationTokenSource(TimeSpan.FromSeconds(60));

        await watcher.StartAsync(guard.Token);
        // The first scan only sees the file; every 10 s from then on a load meets the full disk, for 5 minutes.
        for (var scan = 1; scan <= 31; scan++)
        {
            await clock.WaitForTimerAsync(clock.GetUtcNow() + options.ScanInterval, guard.Token);
            lake.Full = scan < 31;
            clock.Advance(options.ScanInterval);
        }
        await clock.WaitForTimerAsync(clock.GetUtcNow() + options.ScanInterval, guard.Token);
        await watcher.StopAsync(CancellationToken.None);

        var records = logger.Collector.GetSnapshot().Where(r => r.Level >= LogLevel.Warning || r.Message.Contains("recovered", StringComparison.Ordinal)).ToList();
        Assert.True(records.Count == 6, string.Join('\n', records.Select(r => r.Message)));
        Assert.True(Emporium.Diagnostics.DiskFull.Is(records[0].Exception));
        Assert.All(records.Skip(1), r => Assert.Null(r.Exception));
        Assert.All(records.Skip(1).SkipLast(1), r => Assert.StartsWith("landing scan still failing", r.Message, StringComparison.Ordinal));
        Assert.StartsWith("landing scan recovered after 30 failures over 00:05:00", records[^1].Message, StringComparison.Ordinal);
        Assert.True(await h.CountAsync("SELECT count(*) FROM categories") > 0, "the file did not load once there was room");
    }
}
