using System.Globalization;
using Emporium.Log;
using Emporium.Log.Embedded;
using Microsoft.Extensions.Time.Testing;
using static Emporium.Tests.Log.Embedded.LogTestKit;

namespace Emporium.Tests.Log;

/// <summary>What every <see cref="IEventLog"/> backend must do, run once per backend by a subclass (embedded segment
/// log, Kafka on librdkafka's mock cluster).</summary>
public abstract class EventLogContract
{
    /// <summary>Opens a fresh, empty log stamping records with <paramref name="time"/>.</summary>
    protected abstract Task<IEventLog> OpenAsync(TimeProvider? time = null);

    /// <summary>Makes the topic exist with <paramref name="partitions"/> partitions, through
    /// <see cref="IEventLog.EnsureTopicAsync"/> (after any backend-specific preparation).</summary>
    protected virtual async Task CreateTopicAsync(IEventLog log, string topic, int partitions) =>
        await log.EnsureTopicAsync(topic, partitions, CancellationToken.None);

    [Fact]
    public async Task AppendedMessagesReadBackWithKeysValuesTimestampsAndOffsets()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero));
        await using var log = await OpenAsync(time);
        await CreateTopicAsync(log, "reviews", 1);

        var first = await log.AppendAsync("reviews", [Message("a", "one"), Message(null, "two"), Message("ç-ü", "")], CancellationToken.None);
        time.Advance(TimeSpan.FromSeconds(5));
        var second = await log.AppendAsync("reviews", [Message("b", "four")], CancellationToken.None);

        Assert.Equal([0L, 1, 2], first.Select(p => p.Offset));
        Assert.Equal(3, second[0].Offset);
        var entries = await ReadToEndAsync(log, "reviews");
        Assert.Equal(["a", null, "ç-ü", "b"], entries.Select(e => e.Key));
        Assert.Equal(["one", "two", "", "four"], entries.Select(Text));
        Assert.Equal([0L, 1, 2, 3], entries.Select(e => e.Offset));
        Assert.Equal(new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero), entries[0].Timestamp);
        Assert.Equal(new DateTimeOffset(2026, 3, 1, 12, 0, 5, TimeSpan.Zero), entries[3].Timestamp);
        Assert.Equal(4, (await log.GetEndOffsetsAsync("reviews", CancellationToken.None))[new TopicPartition("reviews", 0)]);
    }

    /// <summary>A replay reads where the log starts: a log that deleted nothing starts every partition at 0.</summary>
    [Fact]
    public async Task StartOffsetsAreZeroWhileNothingWasDeleted()
    {
        await using var log = await OpenAsync();
        await CreateTopicAsync(log, "categories", 2);
        await log.AppendAsync("categories", [Message("a", "1"), Message("b", "2"), Message("c", "3")], CancellationToken.None);

        var starts = await log.GetStartOffsetsAsync("categories", CancellationToken.None);

        Assert.Equal([new TopicPartition("categories", 0), new TopicPartition("categories", 1)], starts.Keys.OrderBy(k => k.Partition));
        Assert.All(starts.Values, s => Assert.Equal(0, s));
    }

    /// <summary>Also the acknowledgement check: every position an append returned is where that message is read.</summary>
    [Fact]
    public async Task EachPartitionHasDenseOffsetsAndKeepsPerKeyOrder()
    {
        await using var log = await OpenAsync();
        await CreateTopicAsync(log, "orders", 4);
        var positions = new List<(LogPosition Position, string Key, int Seq)>();
        for (var batch = 0; batch < 20; batch++)
        {
            var messages = Enumerable.Range(0, 25).Select(i => Message($"k{(batch * 25 + i) % 13}", $"{batch * 25 + i}")).ToList();
            var result = await log.AppendAsync("orders", messages, CancellationToken.None);
            positions.AddRange(result.Select((p, i) => (p, messages[i].Key!, batch * 25 + i)));
        }

        var entries = await ReadToEndAsync(log, "orders");

        Assert.Equal(500, entries.Count);
        foreach (var partition in entries.GroupBy(e => e.Position))
        {
            Assert.Equal(Enumerable.Range(0, partition.Count()).Select(i => (long)i), partition.Select(e => e.Offset).Order());
        }

        foreach (var key in entries.GroupBy(e => e.Key))
        {
            var sequence = key.OrderBy(e => e.Offset).Select(e => int.Parse(Text(e), CultureInfo.InvariantCulture)).ToList();
            Assert.Equal(sequence.Order(), sequence);
            // Same placement as every other backend: Kafka's murmur2 partitioner.
            Assert.Equal(KeyPartitioner.PartitionFor(key.Key!, 4), Assert.Single(key.Select(e => e.Position).Distinct()).Partition);
        }

        var byPosition = entries.ToDictionary(e => (e.Position, e.Offset), Text);
        Assert.All(positions, p => Assert.Equal(p.Seq.ToString(CultureInfo.InvariantCulture), byPosition[(p.Position.Partition, p.Position.Offset)]));
        var ends = await log.GetEndOffsetsAsync("orders", CancellationToken.None);
        Assert.Equal(4, ends.Count);
        Assert.All(ends, end => Assert.Equal(entries.Count(e => e.Position == end.Key), end.Value));
    }

    [Fact]
    public async Task MessagesWithoutKeyRotateOverPartitionsOneCallAtATime()
    {
        await using var log = await OpenAsync();
        await CreateTopicAsync(log, "events", 3);
        var used = new List<int>();
        for (var i = 0; i < 6; i++)
        {
            var result = await log.AppendAsync("events", [Message(null, "a"), Message(null, "b")], CancellationToken.None);
            Assert.Single(result.Select(p => p.Partition).Distinct());
            used.Add(result[0].Partition.Partition);
        }

        Assert.Equal([0, 1, 2, 0, 1, 2], used);
    }

    [Fact]
    public async Task FetchingFromAnEarlierOffsetReplays()
    {
        await using var log = await OpenAsync();
        await CreateTopicAsync(log, "t", 1);
        await log.AppendAsync("t", [.. Enumerable.Range(0, 50).Select(i => Message(null, $"{i}"))], CancellationToken.None);
        await using var consumer = log.OpenConsumer("g", ["t"]);
        var tp = new TopicPartition("t", 0);

        var head = await FetchAsync(consumer, new() { [tp] = 0 }, 40);
        var tail = await FetchAsync(consumer, new() { [tp] = 40 }, 40);
        var replay = await FetchAsync(consumer, new() { [tp] = 7 }, 3);

        Assert.Equal(Enumerable.Range(0, 40).Select(i => (long)i), head.Select(e => e.Offset));
        Assert.Equal(Enumerable.Range(40, 10).Select(i => (long)i), tail.Select(e => e.Offset));
        Assert.Equal(["7", "8", "9"], replay.Select(Text));
    }

    [Fact]
    public async Task ReportedOffsetsGiveTheLag()
    {
        await using var log = await OpenAsync();
        await CreateTopicAsync(log, "t", 2);
        await log.AppendAsync("t", [.. Enumerable.Range(0, 20).Select(i => Message($"k{i}", $"{i}"))], CancellationToken.None);
        await using var consumer = log.OpenConsumer("processor", ["t"]);
        await WaitForAssignmentAsync(consumer, 2);
        var tp0 = new TopicPartition("t", 0);

        await consumer.ReportProcessedAsync(new Dictionary<TopicPartition, long> { [tp0] = 3 }, CancellationToken.None);

        var processed = await log.GetGroupOffsetsAsync("processor", "t", CancellationToken.None);
        var ends = await log.GetEndOffsetsAsync("t", CancellationToken.None);
        Assert.Equal(3, processed[tp0]);
        Assert.Equal(0, processed[new TopicPartition("t", 1)]);
        Assert.Equal(20 - 3, ends.Sum(e => e.Value - processed[e.Key]));
    }

    /// <summary>Fetches until the consumer owns partitions and returns data, or 90 s pass (a Kafka member first has
    /// to join its group).</summary>
    protected static async Task<IReadOnlyList<LogEntry>> FetchAsync(ILogConsumer consumer, Dictionary<TopicPartition, long> positions, int maxRecords)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(90);
        while (true)
        {
            var batch = await consumer.FetchAsync(positions, maxRecords, TimeSpan.FromMilliseconds(200), CancellationToken.None);
            if (batch.Count > 0 || DateTime.UtcNow > deadline)
            {
                return batch;
            }
        }
    }

    protected static async Task WaitForAssignmentAsync(ILogConsumer consumer, int partitions)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(90);
        while (consumer.Assignment.Count < partitions)
        {
            Assert.True(DateTime.UtcNow < deadline, $"the consumer owns {consumer.Assignment.Count} of {partitions} partitions after 90 s");
            await consumer.FetchAsync(new Dictionary<TopicPartition, long>(), 1, TimeSpan.FromMilliseconds(100), CancellationToken.None);
        }
    }

    /// <summary>Reads a topic from offset 0 until every partition's end offset is reached.</summary>
    protected static async Task<List<LogEntry>> ReadToEndAsync(IEventLog log, string topic, string group = "reader")
    {
        var ends = await log.GetEndOffsetsAsync(topic, CancellationToken.None);
        await using var consumer = log.OpenConsumer(group, [topic]);
        var positions = new Dictionary<TopicPartition, long>();
        var all = new List<LogEntry>();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(90);
        while (ends.Any(e => positions.GetValueOrDefault(e.Key) < e.Value))
        {
            Assert.True(DateTime.UtcNow < deadline, $"read {all.Count} entries of {ends.Values.Sum()} in 90 s");
            foreach (var entry in await consumer.FetchAsync(positions, 1000, TimeSpan.FromMilliseconds(200), CancellationToken.None))
            {
                positions[entry.Position] = entry.Offset + 1;
                all.Add(entry);
            }
        }
        return all;
    }
}
