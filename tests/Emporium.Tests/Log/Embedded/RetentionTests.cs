using Emporium.Log;
using Emporium.Log.Embedded;
using Emporium.Tests.TestSupport;
using Microsoft.Extensions.Time.Testing;
using static Emporium.Tests.Log.Embedded.LogTestKit;

namespace Emporium.Tests.Log.Embedded;

public sealed class RetentionTests
{
    private static readonly TopicPartition Tp = new("t", 0);

    private static async Task<(EmbeddedEventLog Log, FakeTimeProvider Time)> OpenFilledAsync(string directory, LogRetentionOptions retention)
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var log = await EmbeddedEventLog.OpenAsync(Options(directory) with { SegmentBytes = 4096, Retention = retention }, time);
        await log.EnsureTopicAsync("t", 1, CancellationToken.None);
        for (var i = 0; i < 200; i++)
        {
            await log.AppendAsync("t", [Message(null, $"{i:D4} {new string('r', 100)}")], CancellationToken.None);
        }

        return (log, time);
    }

    [Fact]
    public async Task ExpiredSegmentsAreKeptUntilEveryGroupHasProcessedThem()
    {
        using var dir = new TempDir("log");
        var (log, time) = await OpenFilledAsync(dir.Path, new LogRetentionOptions { MaxAge = TimeSpan.FromDays(1), CheckInterval = null });
        await using var _ = log;
        await using var fast = log.OpenConsumer("fast", ["t"]);
        await using var slow = log.OpenConsumer("slow", ["t"]);
        var segmentsBefore = log.GetSegments(Tp);
        time.Advance(TimeSpan.FromDays(2));

        Assert.Equal(0, await log.ApplyRetentionAsync(CancellationToken.None));

        await fast.ReportProcessedAsync(new Dictionary<TopicPartition, long> { [Tp] = 200 }, CancellationToken.None);
        Assert.Equal(0, await log.ApplyRetentionAsync(CancellationToken.None));

        // The slow group has processed into the middle of the third segment: the first two may go.
        var middleOfThird = (segmentsBefore[2].BaseOffset + segmentsBefore[3].BaseOffset) / 2;
        await slow.ReportProcessedAsync(new Dictionary<TopicPartition, long> { [Tp] = middleOfThird }, CancellationToken.None);
        Assert.Equal(2, await log.ApplyRetentionAsync(CancellationToken.None));

        Assert.Equal(segmentsBefore[2].BaseOffset, log.GetStartOffsets("t")[Tp]);
        Assert.Equal(segmentsBefore.Count - 2, SegmentFiles(dir.Path, "t", 0).Length);
        var remaining = await ReadAllAsync(log, "t", group: "slow");
        Assert.Equal(segmentsBefore[2].BaseOffset, remaining[0].Offset);
        Assert.Equal(199, remaining[^1].Offset);
        Assert.Equal($"{segmentsBefore[2].BaseOffset:D4}", Text(remaining[0])[..4]);
    }

    [Fact]
    public async Task RecentSegmentsAreKeptEvenWhenProcessed()
    {
        using var dir = new TempDir("log");
        var (log, time) = await OpenFilledAsync(dir.Path, new LogRetentionOptions { MaxAge = TimeSpan.FromDays(1), CheckInterval = null });
        await using var _ = log;
        await using var consumer = log.OpenConsumer("g", ["t"]);
        await consumer.ReportProcessedAsync(new Dictionary<TopicPartition, long> { [Tp] = 200 }, CancellationToken.None);
        time.Advance(TimeSpan.FromHours(23));

        Assert.Equal(0, await log.ApplyRetentionAsync(CancellationToken.None));

        time.Advance(TimeSpan.FromHours(2));
        var deleted = await log.ApplyRetentionAsync(CancellationToken.None);
        Assert.Equal(log.Stats.SegmentsRolled, deleted);
        Assert.Single(SegmentFiles(dir.Path, "t", 0));
    }

    [Fact]
    public async Task WithoutARegisteredGroupNothingIsDeletedByDefault()
    {
        using var dir = new TempDir("log");
        var (log, time) = await OpenFilledAsync(dir.Path, new LogRetentionOptions { MaxAge = TimeSpan.FromDays(1), CheckInterval = null });
        await using var _ = log;
        time.Advance(TimeSpan.FromDays(30));

        Assert.Equal(0, await log.ApplyRetentionAsync(CancellationToken.None));
        Assert.Equal(0, log.GetStartOffsets("t")[Tp]);
    }

    [Fact]
    public async Task SizeRetentionDeletesOldestProcessedSegmentsDownToTheLimit()
    {
        using var dir = new TempDir("log");
        var (log, _) = await OpenFilledAsync(dir.Path, new LogRetentionOptions { MaxAge = null, MaxBytesPerPartition = 10_000, CheckInterval = null });
        await using var __ = log;
        await using var consumer = log.OpenConsumer("g", ["t"]);
        await consumer.ReportProcessedAsync(new Dictionary<TopicPartition, long> { [Tp] = 200 }, CancellationToken.None);
        var before = log.Stats.LogBytes;

        var deleted = await log.ApplyRetentionAsync(CancellationToken.None);

        var sizes = SegmentFiles(dir.Path, "t", 0).Select(RecordBytes).ToList();
        Assert.True(deleted > 0);
        Assert.True(sizes.Sum() - sizes[0] <= 10_000 || sizes.Count == 1, "no further segment could be deleted while over the limit");
        Assert.True(sizes.Sum() > 10_000 - 4096, "deletion stops once under the limit");
        Assert.Equal(sizes.Sum(), log.Stats.LogBytes);
        Assert.True(log.Stats.LogBytes < before);
    }

    [Fact]
    public async Task RetentionSurvivesReopenWithTheGroupRegistry()
    {
        using var dir = new TempDir("log");
        var (log, time) = await OpenFilledAsync(dir.Path, new LogRetentionOptions { MaxAge = TimeSpan.FromDays(1), CheckInterval = null });
        await using (log)
        {
            await using var consumer = log.OpenConsumer("g", ["t"]);
            await consumer.ReportProcessedAsync(new Dictionary<TopicPartition, long> { [Tp] = 5 }, CancellationToken.None);
        }

        time.Advance(TimeSpan.FromDays(3));
        await using var reopened = await EmbeddedEventLog.OpenAsync(
            Options(dir.Path) with { SegmentBytes = 4096, Retention = new LogRetentionOptions { MaxAge = TimeSpan.FromDays(1), CheckInterval = null } }, time);

        // Offset 5 is inside the first segment, so the registered group still protects everything.
        Assert.Equal(0, await reopened.ApplyRetentionAsync(CancellationToken.None));
    }

    [Fact]
    public async Task TheBackgroundSweepRunsOnTheInjectedClock()
    {
        using var dir = new TempDir("log");
        var (log, time) = await OpenFilledAsync(dir.Path, new LogRetentionOptions { MaxAge = TimeSpan.FromDays(1), CheckInterval = TimeSpan.FromMinutes(10) });
        await using var _ = log;
        await using var consumer = log.OpenConsumer("g", ["t"]);
        await consumer.ReportProcessedAsync(new Dictionary<TopicPartition, long> { [Tp] = 200 }, CancellationToken.None);
        var files = SegmentFiles(dir.Path, "t", 0).Length;

        time.Advance(TimeSpan.FromDays(2));

        Assert.Null(log.LastRetentionError);
        Assert.Equal(files - 1, log.Stats.SegmentsDeleted);
        Assert.Single(SegmentFiles(dir.Path, "t", 0));
    }
}
