using Emporium.Log;
using Emporium.Log.Embedded;
using Emporium.Tests.TestSupport;
using static Emporium.Tests.Log.Embedded.LogTestKit;

namespace Emporium.Tests.Log.Embedded;

/// <summary>A write that fails part way (a full disk: the records reached the file, growing it further did not) must
/// neither come back after a restart nor stop the partition once the disk has room again.</summary>
public sealed class WriteFailureTests
{
    // No padding: every write grows the file, so the growth (where a full disk fails) follows each write of records.
    private static EmbeddedLogOptions Growing(string directory) => Options(directory) with { PreallocateBytes = 0 };

    private static IOException DiskFull() => new("No space left on device", 28);

    [Fact]
    public async Task RecordsOfAFailedWriteAreNotInTheLogAfterReopening()
    {
        using var dir = new TempDir("log");
        await using (var log = await EmbeddedEventLog.OpenAsync(Growing(dir.Path)))
        {
            await log.EnsureTopicAsync("t", 1, CancellationToken.None);
            await log.AppendAsync("t", [Message(null, "a1"), Message(null, "a2")], CancellationToken.None);
            log.FindTopic("t")!.Partitions[0].GrowFault = DiskFull;

            var error = await Assert.ThrowsAnyAsync<IOException>(async () =>
                await log.AppendAsync("t", [Message(null, "b1"), Message(null, "b2"), Message(null, "b3")], CancellationToken.None));
            Assert.Contains("No space left on device", error.ToString(), StringComparison.Ordinal);
        }

        await using (var log = await EmbeddedEventLog.OpenAsync(Growing(dir.Path)))
        {
            // The caller was told the append failed: its records must not turn up later and be read (or retried) twice.
            Assert.Equal(["a1", "a2"], (await ReadAllAsync(log, "t")).Select(Text));
        }
    }

    [Fact]
    public async Task OnceTheDiskHasRoomAgainAppendsGoOnWithoutReopening()
    {
        using var dir = new TempDir("log");
        await using (var log = await EmbeddedEventLog.OpenAsync(Growing(dir.Path)))
        {
            await log.EnsureTopicAsync("t", 1, CancellationToken.None);
            await log.AppendAsync("t", [Message(null, "a1")], CancellationToken.None);
            var partition = log.FindTopic("t")!.Partitions[0];
            partition.GrowFault = DiskFull;
            await Assert.ThrowsAnyAsync<IOException>(async () =>
                await log.AppendAsync("t", [Message(null, "b1"), Message(null, "b2")], CancellationToken.None));
            await Assert.ThrowsAnyAsync<IOException>(async () =>
                await log.AppendAsync("t", [Message(null, "b3")], CancellationToken.None));

            partition.GrowFault = null;
            var positions = await log.AppendAsync("t", [Message(null, "c1"), Message(null, "c2")], CancellationToken.None);

            Assert.Equal([1L, 2L], positions.Select(p => p.Offset));
            Assert.Equal(["a1", "c1", "c2"], (await ReadAllAsync(log, "t")).Select(Text));
        }

        await using (var log = await EmbeddedEventLog.OpenAsync(Growing(dir.Path)))
        {
            Assert.Equal(["a1", "c1", "c2"], (await ReadAllAsync(log, "t")).Select(Text));
            Assert.Equal(0, log.Stats.TruncatedBytes);
        }
    }

    [Fact]
    public async Task AnAppendThatFailsAfterItsFirstRecordsWereSealedInAFullSegmentNamesThem()
    {
        using var dir = new TempDir("log");
        var values = Enumerable.Range(0, 60).Select(i => $"record-{i:D3}-" + new string('x', 200)).ToArray();
        await using (var log = await EmbeddedEventLog.OpenAsync(Growing(dir.Path) with { SegmentBytes = 4096 }))
        {
            await log.EnsureTopicAsync("t", 1, CancellationToken.None);
            var partition = log.FindTopic("t")!.Partitions[0];
            // The append fills the first segment, which is sealed (fsync'd) before the next starts; growing the next fails.
            var grown = 0;
            partition.GrowFault = () => Interlocked.Increment(ref grown) > 1 ? DiskFull() : null;

            var error = await Assert.ThrowsAsync<PartialAppendException>(async () =>
                await log.AppendAsync("t", [.. values.Select(v => Message(null, v))], CancellationToken.None));

            Assert.NotEmpty(error.Durable);
            Assert.True(error.Durable.Count < values.Length);
            Assert.Equal(Enumerable.Range(0, error.Durable.Count), error.Durable);
            Assert.Equal(error.Durable.Select(i => values[i]), (await ReadAllAsync(log, "t")).Select(Text));

            partition.GrowFault = null;
            await log.AppendAsync("t", [Message(null, "after")], CancellationToken.None);
            Assert.Equal([.. error.Durable.Select(i => values[i]), "after"], (await ReadAllAsync(log, "t")).Select(Text));
        }
    }

    /// <summary>A roll whose new segment file was created but whose directory fsync failed leaves that empty file
    /// behind, untracked; the next roll to the same offset must take it over rather than fail every append after.</summary>
    [Fact]
    public async Task A_segment_file_a_failed_roll_left_is_taken_over_by_the_next_roll()
    {
        using var dir = new TempDir("log");
        var value = new string('v', 200);
        var perSegment = (int)(4096 / RecordFrame.FrameBytes(RecordFrame.KeyByteCount(null), value.Length));
        var options = Growing(dir.Path) with { SegmentBytes = 4096 };
        await using (var log = await EmbeddedEventLog.OpenAsync(options))
        {
            await log.EnsureTopicAsync("t", 1, CancellationToken.None);
            File.WriteAllBytes(Path.Combine(log.FindTopic("t")!.Partitions[0].Directory, Segment.FileName(perSegment)), []);

            for (var i = 0; i <= perSegment; i++)
            {
                await log.AppendAsync("t", [Message(null, $"{i:D3}{value[3..]}")], CancellationToken.None);
            }
        }

        await using (var log = await EmbeddedEventLog.OpenAsync(options))
        {
            Assert.Equal(Enumerable.Range(0, perSegment + 1).Select(i => $"{i:D3}"), (await ReadAllAsync(log, "t")).Select(e => Text(e)[..3]));
        }
    }
}
