using Emporium.Log;
using Emporium.Log.Embedded;
using Emporium.Tests.TestSupport;
using Microsoft.Extensions.Time.Testing;
using static Emporium.Tests.Log.Embedded.LogTestKit;

namespace Emporium.Tests.Log.Embedded;

public sealed class EmbeddedLogConsumerTests
{
    [Fact]
    public async Task AWaitingFetchWakesWhenDataIsCommitted()
    {
        using var dir = new TempDir("log");
        // Fake time never advances on its own, so only the commit signal can end this fetch.
        var time = new FakeTimeProvider(DateTimeOffset.UnixEpoch);
        await using var log = await EmbeddedEventLog.OpenAsync(Options(dir.Path), time);
        await log.EnsureTopicAsync("t", 2, CancellationToken.None);
        await using var consumer = log.OpenConsumer("g", ["t"]);

        var fetch = consumer.FetchAsync(new Dictionary<TopicPartition, long>(), 10, TimeSpan.FromMinutes(1), CancellationToken.None).AsTask();
        Assert.False(fetch.IsCompleted);
        await log.AppendAsync("t", [Message("key", "hello")], CancellationToken.None);
        var entries = await fetch;

        Assert.Equal("hello", Text(Assert.Single(entries)));
    }

    [Fact]
    public async Task AFetchWithNothingNewReturnsEmptyAfterMaxWait()
    {
        using var dir = new TempDir("log");
        var time = new FakeTimeProvider(DateTimeOffset.UnixEpoch);
        await using var log = await EmbeddedEventLog.OpenAsync(Options(dir.Path), time);
        await log.EnsureTopicAsync("t", 1, CancellationToken.None);
        await log.AppendAsync("t", [Message("a", "1")], CancellationToken.None);
        await using var consumer = log.OpenConsumer("g", ["t"]);

        var fetch = consumer.FetchAsync(new Dictionary<TopicPartition, long> { [new("t", 0)] = 1 }, 10, TimeSpan.FromSeconds(2), CancellationToken.None).AsTask();
        while (!fetch.IsCompleted)
        {
            time.Advance(TimeSpan.FromSeconds(1));
            await Task.Yield();
        }

        Assert.Empty(await fetch);
    }

    [Fact]
    public async Task AssignmentCoversEveryPartitionIncludingTopicsCreatedLater()
    {
        using var dir = new TempDir("log");
        await using var log = await EmbeddedEventLog.OpenAsync(Options(dir.Path));
        await log.EnsureTopicAsync("a", 2, CancellationToken.None);
        await using var consumer = log.OpenConsumer("g", ["a", "b"]);
        Assert.Equal(2, consumer.Assignment.Count);

        await log.EnsureTopicAsync("b", 3, CancellationToken.None);
        await log.AppendAsync("b", [Message("x", "late topic")], CancellationToken.None);

        Assert.Equal(5, consumer.Assignment.Count);
        var entries = await consumer.FetchAsync(new Dictionary<TopicPartition, long>(), 10, TimeSpan.Zero, CancellationToken.None);
        Assert.Equal("late topic", Text(Assert.Single(entries)));
    }

    [Fact]
    public async Task ProcessedOffsetsArePersistedAndGiveTheLag()
    {
        using var dir = new TempDir("log");
        var tp0 = new TopicPartition("t", 0);
        var tp1 = new TopicPartition("t", 1);
        await using (var log = await EmbeddedEventLog.OpenAsync(Options(dir.Path)))
        {
            await log.EnsureTopicAsync("t", 2, CancellationToken.None);
            await log.AppendAsync("t", [.. Enumerable.Range(0, 20).Select(i => Message($"k{i}", $"{i}"))], CancellationToken.None);
            await using var consumer = log.OpenConsumer("processor", ["t"]);
            await consumer.ReportProcessedAsync(new Dictionary<TopicPartition, long> { [tp0] = 3 }, CancellationToken.None);

            var tooFar = (await log.GetEndOffsetsAsync("t", CancellationToken.None))[tp1] + 1;
            await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() =>
                consumer.ReportProcessedAsync(new Dictionary<TopicPartition, long> { [tp1] = tooFar }, CancellationToken.None).AsTask());
            await Assert.ThrowsAsync<ArgumentException>(() =>
                consumer.ReportProcessedAsync(new Dictionary<TopicPartition, long> { [new("other", 0)] = 0 }, CancellationToken.None).AsTask());
        }

        await using (var log = await EmbeddedEventLog.OpenAsync(Options(dir.Path)))
        {
            IEventLog contract = log;
            var processed = await contract.GetGroupOffsetsAsync("processor", "t", CancellationToken.None);
            var ends = await log.GetEndOffsetsAsync("t", CancellationToken.None);

            Assert.Equal(3, processed[tp0]);
            Assert.Equal(0, processed[tp1]);
            Assert.Equal(20 - 3, ends.Sum(e => e.Value - processed[e.Key]));
            Assert.Equal(["processor"], log.Groups);
            await Assert.ThrowsAsync<KeyNotFoundException>(() => log.GetGroupOffsetsAsync("nobody", "t", CancellationToken.None).AsTask());
        }
    }

    [Fact]
    public async Task AFetchStopsAtMaxRecordsAndVisitsEveryPartition()
    {
        using var dir = new TempDir("log");
        await using var log = await EmbeddedEventLog.OpenAsync(Options(dir.Path));
        await log.EnsureTopicAsync("t", 4, CancellationToken.None);
        await log.AppendAsync("t", [.. Enumerable.Range(0, 400).Select(i => Message($"k{i}", $"{i}"))], CancellationToken.None);
        await using var consumer = log.OpenConsumer("g", ["t"]);

        var seen = new HashSet<TopicPartition>();
        for (var i = 0; i < 4; i++)
        {
            var batch = await consumer.FetchAsync(new Dictionary<TopicPartition, long>(), 5, TimeSpan.Zero, CancellationToken.None);
            Assert.Equal(5, batch.Count);
            seen.UnionWith(batch.Select(e => e.Position));
        }

        Assert.Equal(4, seen.Count);
    }

    [Fact]
    public async Task ABacklogInOneTopicDoesNotCrowdAnotherTopicsRecordOutOfAFetch()
    {
        using var dir = new TempDir("log");
        await using var log = await EmbeddedEventLog.OpenAsync(Options(dir.Path));
        await log.EnsureTopicAsync("busy", 2, CancellationToken.None);
        await log.EnsureTopicAsync("quiet", 2, CancellationToken.None);
        await log.AppendAsync("busy", [.. Enumerable.Range(0, 2000).Select(i => Message($"k{i}", $"{i}"))], CancellationToken.None);
        await log.AppendAsync("quiet", [Message("probe", "probe")], CancellationToken.None);
        await using var consumer = log.OpenConsumer("g", ["busy", "quiet"]);

        // Whichever partition a fetch starts at, the quiet record is in it, and the fetch is still full and gapless.
        for (var i = 0; i < 4; i++)
        {
            var batch = await consumer.FetchAsync(new Dictionary<TopicPartition, long>(), 100, TimeSpan.Zero, CancellationToken.None);
            Assert.Equal(100, batch.Count);
            Assert.Contains(batch, e => e.Position.Topic == "quiet" && Text(e) == "probe");
            foreach (var partition in batch.GroupBy(e => e.Position))
            {
                Assert.Equal(Enumerable.Range(0, partition.Count()).Select(o => (long)o), partition.Select(e => e.Offset).Order());
            }
        }
    }

    [Fact]
    public async Task AConsumerTailingConcurrentWritersSeesEveryRecordOnceAndInOrder()
    {
        using var dir = new TempDir("log");
        await using var log = await EmbeddedEventLog.OpenAsync(Options(dir.Path) with { SegmentBytes = 4096 });
        await log.EnsureTopicAsync("t", 2, CancellationToken.None);
        const int writers = 8;
        const int perWriter = 60;
        await using var consumer = log.OpenConsumer("tail", ["t"]);
        var positions = new Dictionary<TopicPartition, long>();
        var seen = new List<LogEntry>();
        var writing = Task.WhenAll(Enumerable.Range(0, writers).Select(w => Task.Run(async () =>
        {
            for (var i = 0; i < perWriter; i++)
            {
                await log.AppendAsync("t", [Message($"w{w}", $"{w}:{i}")], CancellationToken.None);
            }
        })));

        while (seen.Count < writers * perWriter)
        {
            var batch = await consumer.FetchAsync(positions, 7, TimeSpan.FromSeconds(30), CancellationToken.None);
            foreach (var entry in batch)
            {
                Assert.Equal(positions.GetValueOrDefault(entry.Position), entry.Offset);
                positions[entry.Position] = entry.Offset + 1;
                seen.Add(entry);
            }
        }

        await writing;
        Assert.True(log.Stats.SegmentsRolled > 0);
        Assert.Equal(writers * perWriter, seen.Select(Text).Distinct().Count());
        foreach (var writer in seen.GroupBy(e => e.Key))
        {
            Assert.Equal(Enumerable.Range(0, perWriter).Select(i => $"{writer.Key![1..]}:{i}"), writer.Select(Text));
        }
    }

    [Fact]
    public async Task ReportedOffsetsAreWrittenAtOnceWhenTheFlushIntervalIsZero()
    {
        using var dir = new TempDir("log");
        await using var log = await EmbeddedEventLog.OpenAsync(Options(dir.Path) with { GroupOffsetsFlushInterval = TimeSpan.Zero });
        await log.AppendAsync("t", [Message("a", "1"), Message("a", "2")], CancellationToken.None);
        await using var consumer = log.OpenConsumer("g", ["t"]);
        var partition = (await log.GetEndOffsetsAsync("t", CancellationToken.None)).Single(e => e.Value == 2).Key;

        await consumer.ReportProcessedAsync(new Dictionary<TopicPartition, long> { [partition] = 2 }, CancellationToken.None);

        var stored = System.Text.Json.JsonDocument.Parse(await File.ReadAllTextAsync(dir.Combine("groups", "g.json")));
        Assert.Equal(2, stored.RootElement.GetProperty("Processed").GetProperty(partition.ToString()).GetInt64());
    }
}
