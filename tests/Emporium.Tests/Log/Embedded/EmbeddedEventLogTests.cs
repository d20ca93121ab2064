using System.Text;
using Emporium.Log;
using Emporium.Log.Embedded;
using Emporium.Tests.TestSupport;
using Microsoft.Extensions.Time.Testing;
using static Emporium.Tests.Log.Embedded.LogTestKit;

namespace Emporium.Tests.Log.Embedded;

public sealed class EmbeddedEventLogTests
{
    [Fact]
    public async Task AKeyLandsInTheSamePartitionAcrossCallsAndReopens()
    {
        using var dir = new TempDir("log");
        var keys = Enumerable.Range(0, 50).Select(i => $"product-{i}").ToArray();
        Dictionary<string, int> firstRun;
        await using (var log = await EmbeddedEventLog.OpenAsync(Options(dir.Path)))
        {
            await log.EnsureTopicAsync("products", 8, CancellationToken.None);
            var result = await log.AppendAsync("products", [.. keys.Select(k => Message(k, "x"))], CancellationToken.None);
            firstRun = keys.Select((k, i) => (k, result[i].Partition.Partition)).ToDictionary(x => x.k, x => x.Item2);
        }

        await using (var log = await EmbeddedEventLog.OpenAsync(Options(dir.Path)))
        {
            foreach (var key in keys.Reverse())
            {
                var result = await log.AppendAsync("products", [Message(key, "y")], CancellationToken.None);
                Assert.Equal(firstRun[key], result[0].Partition.Partition);
                Assert.Equal(KeyPartitioner.PartitionFor(key, 8), result[0].Partition.Partition);
            }
        }

        Assert.True(firstRun.Values.Distinct().Count() > 4, "50 keys should spread over most of 8 partitions");
    }

    [Fact]
    public async Task AnAppendAcrossPartitionsOneOfWhichFailsNamesTheMessagesThatAreDurable()
    {
        using var dir = new TempDir("log");
        var keys = Enumerable.Range(0, 40).Select(i => $"product-{i}").ToArray();
        await using var log = await EmbeddedEventLog.OpenAsync(Options(dir.Path));
        await log.EnsureTopicAsync("products", 4, CancellationToken.None);
        var broken = KeyPartitioner.PartitionFor(keys[0], 4);
        log.FindTopic("products")!.Partitions[broken].CommitFault = () => new IOException("No space left on device");

        var error = await Assert.ThrowsAsync<PartialAppendException>(async () =>
            await log.AppendAsync("products", [.. keys.Select(k => Message(k, k))], CancellationToken.None));

        var expected = keys.Select((k, i) => (k, i)).Where(x => KeyPartitioner.PartitionFor(x.k, 4) != broken).Select(x => x.i).ToList();
        Assert.Equal(expected, error.Durable);
        Assert.Contains("No space left on device", error.InnerException!.ToString(), StringComparison.Ordinal);
        var stored = await ReadAllAsync(log, "products");
        Assert.Equal(expected.Select(i => keys[i]).Order(), stored.Select(Text).Order());
    }

    [Fact]
    public async Task KeylessAppendsStayOnAPartitionUntilItCommitsThenTheNextTakesOver()
    {
        using var dir = new TempDir("log");
        await using var log = await EmbeddedEventLog.OpenAsync(Options(dir.Path));
        await log.EnsureTopicAsync("orders", 4, CancellationToken.None);
        var partitions = new List<int>();
        for (var i = 0; i < 8; i++)
        {
            // Each append waits for its commit, which moves the sticky partition on.
            var result = await log.AppendAsync("orders", [Message(null, $"a{i}"), Message(null, $"b{i}")], CancellationToken.None);
            Assert.Equal(result[0].Partition, result[1].Partition);
            partitions.Add(result[0].Partition.Partition);
        }

        Assert.Equal([0, 1, 2, 3, 0, 1, 2, 3], partitions);

        // Appends made together (each enqueued before any of them is fsync'd) share the sticky partition and its
        // commits; round-robin per call would have spread them over all four partitions and four fsyncs. One commit
        // may end while they are enqueued, so at most two partitions.
        var together = Enumerable.Range(0, 8).Select(i => log.AppendAsync("orders", [Message(null, $"c{i}")], CancellationToken.None).AsTask()).ToList();
        var used = (await Task.WhenAll(together)).Select(r => r[0].Partition.Partition).Distinct().ToList();
        Assert.True(used.Count <= 2, $"8 appends made together used partitions {string.Join(", ", used)}");
    }

    [Fact]
    public async Task TheSegmentBeingWrittenIsIndexedSoAReadSeeksNearItsOffset()
    {
        using var dir = new TempDir("log");
        await using var log = await EmbeddedEventLog.OpenAsync(Options(dir.Path));
        await log.EnsureTopicAsync("t", 1, CancellationToken.None);
        var value = new string('x', 200);
        for (var i = 0; i < 10; i++)
        {
            await log.AppendAsync("t", [.. Enumerable.Range(0, 100).Select(j => Message(null, $"{i}-{j}-{value}"))], CancellationToken.None);
        }

        var segment = log.FindTopic("t")!.Partitions[0].Segments[^1];
        var index = segment.IndexSnapshot();
        // About 230 KB of frames, one entry per 4 KB (the first frame included).
        Assert.InRange(index.Length, 40, 80);
        Assert.Equal((0L, 0L), (index[0].Offset, index[0].Position));
        var floor = segment.Floor(990);
        Assert.InRange(990 - floor.Offset, 0, 4096 / 200 + 1);

        // A read from an offset with no cursor (as after a fetch that found nothing new) still returns it.
        var entries = await ReadAllAsync(log, "t", new Dictionary<TopicPartition, long> { [new TopicPartition("t", 0)] = 990 });
        Assert.Equal(Enumerable.Range(990, 10).Select(o => (long)o), entries.Select(e => e.Offset));
    }

    [Fact]
    public async Task ConcurrentAppendsShareFsyncsAndGetDistinctOffsets()
    {
        using var dir = new TempDir("log");
        await using var log = await EmbeddedEventLog.OpenAsync(Options(dir.Path));
        await log.EnsureTopicAsync("t", 1, CancellationToken.None);
        using var start = new ManualResetEventSlim();
        const int tasks = 64;
        const int appendsPerTask = 10;
        var workers = Enumerable.Range(0, tasks).Select(t => Task.Run(async () =>
        {
            start.Wait();
            var offsets = new List<long>();
            for (var i = 0; i < appendsPerTask; i++)
            {
                offsets.Add((await log.AppendAsync("t", [Message($"{t}", $"{t}:{i}")], CancellationToken.None))[0].Offset);
            }

            return offsets;
        })).ToArray();
        start.Set();
        var all = (await Task.WhenAll(workers)).SelectMany(o => o).ToList();

        Assert.Equal(tasks * appendsPerTask, all.Distinct().Count());
        Assert.Equal(tasks * appendsPerTask, log.Stats.AppendCalls);
        Assert.Equal(tasks * appendsPerTask, log.Stats.AppendedRecords);
        Assert.True(log.Stats.Fsyncs < log.Stats.AppendCalls, $"{log.Stats.Fsyncs} fsyncs for {log.Stats.AppendCalls} appends");
        var entries = await ReadAllAsync(log, "t");
        Assert.Equal(all.Order(), entries.Select(e => e.Offset));
    }

    [Fact]
    public async Task ALingeringPolicyGroupsAppendsIntoOneCommit()
    {
        using var dir = new TempDir("log");
        var options = Options(dir.Path) with { CommitPolicy = new WaitForAppends(20) };
        await using var log = await EmbeddedEventLog.OpenAsync(options);
        await log.EnsureTopicAsync("t", 1, CancellationToken.None);

        await Task.WhenAll(Enumerable.Range(0, 20).Select(i => log.AppendAsync("t", [Message(null, $"{i}")], CancellationToken.None).AsTask()));

        Assert.Equal(1, log.Stats.Fsyncs);
        Assert.Equal(1, log.Stats.Commits);
        Assert.Equal(20, log.Stats.AppendedRecords);
    }

    [Fact]
    public async Task ReopeningKeepsEveryRecordAndContinuesOffsets()
    {
        using var dir = new TempDir("log");
        var options = Options(dir.Path) with { SegmentBytes = 4096 };
        List<string> written = [];
        await using (var log = await EmbeddedEventLog.OpenAsync(options))
        {
            await log.EnsureTopicAsync("t", 2, CancellationToken.None);
            for (var i = 0; i < 300; i++)
            {
                written.Add($"record {i} {new string('x', i % 50)}");
                await log.AppendAsync("t", [Message($"k{i % 7}", written[^1])], CancellationToken.None);
            }
        }

        Assert.True(SegmentFiles(dir.Path, "t", 0).Length > 1, "the small segment size should have rolled segments");
        await using (var log = await EmbeddedEventLog.OpenAsync(options with { SegmentBytes = 1 << 20 }))
        {
            Assert.Equal(0, log.Stats.TruncatedBytes);
            Assert.Equal(written.Order(StringComparer.Ordinal), (await ReadAllAsync(log, "t")).Select(Text).Order(StringComparer.Ordinal));
            var ends = await log.GetEndOffsetsAsync("t", CancellationToken.None);
            var next = await log.AppendAsync("t", [Message("k0", "after reopen")], CancellationToken.None);
            Assert.Equal(ends[next[0].Partition], next[0].Offset);
        }
    }

    [Fact]
    public async Task ATopicKeepsItsPartitionCountAcrossReopens()
    {
        using var dir = new TempDir("log");
        await using (var log = await EmbeddedEventLog.OpenAsync(Options(dir.Path)))
        {
            await log.EnsureTopicAsync("categories", 3, CancellationToken.None);
        }

        await using (var log = await EmbeddedEventLog.OpenAsync(Options(dir.Path)))
        {
            await log.EnsureTopicAsync("categories", 5, CancellationToken.None);
            Assert.Equal(3, (await log.GetEndOffsetsAsync("categories", CancellationToken.None)).Count);
            Assert.Equal(["categories"], log.Topics);
        }
    }

    [Fact]
    public async Task AppendingToAMissingTopicCreatesItOrFailsClearly()
    {
        using var dir = new TempDir("log");
        await using (var log = await EmbeddedEventLog.OpenAsync(Options(dir.Path) with { DefaultPartitions = 2 }))
        {
            await log.AppendAsync("auto", [Message("a", "1")], CancellationToken.None);
            Assert.Equal(2, (await log.GetEndOffsetsAsync("auto", CancellationToken.None)).Count);
        }

        using var other = new TempDir("log");
        await using var strict = await EmbeddedEventLog.OpenAsync(Options(other.Path) with { AutoCreateTopics = false });
        var error = await Assert.ThrowsAsync<KeyNotFoundException>(() => strict.AppendAsync("nope", [Message("a", "1")], CancellationToken.None).AsTask());
        Assert.Contains("EnsureTopicAsync", error.Message);
        await Assert.ThrowsAsync<ArgumentException>(() => strict.EnsureTopicAsync("../evil", 1, CancellationToken.None).AsTask());
    }

    [Fact]
    public async Task AnOversizedRecordIsRefusedAndNothingIsWritten()
    {
        using var dir = new TempDir("log");
        await using var log = await EmbeddedEventLog.OpenAsync(Options(dir.Path) with { MaxRecordBytes = 1000 });
        await log.EnsureTopicAsync("t", 1, CancellationToken.None);

        var error = await Assert.ThrowsAsync<ArgumentException>(() =>
            log.AppendAsync("t", [Message("ok", "small"), new LogMessage("big", new byte[1001])], CancellationToken.None).AsTask());

        Assert.Contains("Message 1", error.Message);
        Assert.Equal(0, (await log.GetEndOffsetsAsync("t", CancellationToken.None)).Values.Single());
    }

    [Fact]
    public async Task ASecondOpenOfTheSameDirectoryIsRefused()
    {
        using var dir = new TempDir("log");
        await using var log = await EmbeddedEventLog.OpenAsync(Options(dir.Path));

        var error = await Assert.ThrowsAsync<IOException>(() => EmbeddedEventLog.OpenAsync(Options(dir.Path)).AsTask());

        Assert.Contains("in use", error.Message);
    }

    [Fact]
    public async Task SegmentsRollAtTheConfiguredSizeAndAreNamedByBaseOffset()
    {
        using var dir = new TempDir("log");
        await using var log = await EmbeddedEventLog.OpenAsync(Options(dir.Path) with { SegmentBytes = 4096 });
        await log.EnsureTopicAsync("t", 1, CancellationToken.None);
        var payload = new string('p', 200);
        for (var i = 0; i < 100; i++)
        {
            await log.AppendAsync("t", [Message(null, payload), Message(null, payload)], CancellationToken.None);
        }

        var files = SegmentFiles(dir.Path, "t", 0);
        Assert.True(files.Length >= 10, $"{files.Length} segments");
        Assert.All(files, f => Assert.True(new FileInfo(f).Length <= 4096, $"{f} is {new FileInfo(f).Length} bytes"));
        var entries = await ReadAllAsync(log, "t");
        Assert.Equal(200, entries.Count);
        var bases = files.Select(f => long.Parse(Path.GetFileNameWithoutExtension(f), System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(0, bases[0]);
        // Each segment starts right after the previous one ends: its first frame has the offset of its name.
        var recordSize = new FileInfo(files[0]).Length / (bases[1] - bases[0]);
        for (var i = 1; i < bases.Count; i++)
        {
            Assert.Equal(bases[i - 1] + new FileInfo(files[i - 1]).Length / recordSize, bases[i]);
        }

        Assert.Equal(files.Length - 1, log.Stats.SegmentsRolled);
        Assert.Equal(files.Sum(RecordBytes), log.Stats.LogBytes);
    }

    [Fact]
    public async Task RecordsLargerThanAReadChunkReadBackIntact()
    {
        using var dir = new TempDir("log");
        await using var log = await EmbeddedEventLog.OpenAsync(Options(dir.Path));
        await log.EnsureTopicAsync("t", 1, CancellationToken.None);
        var random = new Random(7);
        var values = new[] { 10, 300_000, 5, 90_000, 1_000_000, 0, 70_000 }.Select(n =>
        {
            var bytes = new byte[n];
            random.NextBytes(bytes);
            return bytes;
        }).ToList();

        await log.AppendAsync("t", [.. values.Select(v => new LogMessage("k", v))], CancellationToken.None);

        await using var consumer = log.OpenConsumer("g", ["t"]);
        var positions = new Dictionary<TopicPartition, long>();
        var read = new List<byte[]>();
        while (read.Count < values.Count)
        {
            // Small fetches so reads start mid-segment at every record.
            foreach (var entry in await consumer.FetchAsync(positions, 2, TimeSpan.Zero, CancellationToken.None))
            {
                positions[entry.Position] = entry.Offset + 1;
                read.Add(entry.Value.ToArray());
            }
        }

        Assert.Equal(values, read);
    }

    /// <summary>Holds the commit until a given number of appends is queued (bounded by a generous delay).</summary>
    private sealed class WaitForAppends(int appends) : LogCommitPolicy
    {
        public override long MaxBatchBytes => long.MaxValue;

        public override TimeSpan Linger(int queued, long bytes, TimeSpan waitedSoFar) =>
            queued >= appends || waitedSoFar > TimeSpan.FromSeconds(30) ? TimeSpan.Zero : TimeSpan.FromMilliseconds(50);
    }
}
