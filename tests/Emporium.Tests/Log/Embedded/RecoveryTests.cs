using Emporium.Log;
using Emporium.Log.Embedded;
using Emporium.Tests.TestSupport;
using static Emporium.Tests.Log.Embedded.LogTestKit;

namespace Emporium.Tests.Log.Embedded;

/// <summary>What a crash or a damaged disk leaves behind is detected on open and never served.</summary>
public sealed class RecoveryTests
{
    private static async Task<string> WriteRecordsAsync(string directory, int count, EmbeddedLogOptions? options = null)
    {
        await using var log = await EmbeddedEventLog.OpenAsync(options ?? Options(directory));
        await log.EnsureTopicAsync("t", 1, CancellationToken.None);
        for (var i = 0; i < count; i++)
        {
            await log.AppendAsync("t", [Message($"k{i}", $"value {i}")], CancellationToken.None);
        }

        return SegmentFiles(directory, "t", 0)[^1];
    }

    /// <summary>Ten records written with padding: the segment, where its records end (measured on an unpadded twin),
    /// and its file length.</summary>
    private static async Task<(string Segment, long Records, long Padded)> TenPaddedRecordsAsync(string directory)
    {
        var segment = await WriteRecordsAsync(directory, 10);
        var plain = Path.Combine(directory, "plain");
        var records = new FileInfo(await WriteRecordsAsync(plain, 10, Unpadded(plain))).Length;
        return (segment, records, new FileInfo(segment).Length);
    }

    /// <summary>A log whose files end at their last record, as a writer without padding leaves them.</summary>
    private static EmbeddedLogOptions Unpadded(string directory) => Options(directory) with { PreallocateBytes = 0 };

    [Fact]
    public async Task GarbageAfterTheLastRecordIsCutOffAndAppendsContinue()
    {
        using var dir = new TempDir("log");
        var segment = await WriteRecordsAsync(dir.Path, 10, Unpadded(dir.Path));
        var cleanLength = new FileInfo(segment).Length;
        await using (var file = new FileStream(segment, FileMode.Append))
        {
            file.Write([0x55, 0x00, 0x00, 0x00, 0xDE, 0xAD, 0xBE, 0xEF, 1, 2, 3, 4, 5]);
        }

        await using var log = await EmbeddedEventLog.OpenAsync(Unpadded(dir.Path));

        Assert.Equal(13, log.Stats.TruncatedBytes);
        Assert.Equal(cleanLength, new FileInfo(segment).Length);
        Assert.Single(Directory.GetFiles(Path.GetDirectoryName(segment)!, "*.torn-*"));
        Assert.Equal(Enumerable.Range(0, 10).Select(i => $"value {i}"), (await ReadAllAsync(log, "t")).Select(Text));
        var next = await log.AppendAsync("t", [Message("new", "after recovery")], CancellationToken.None);
        Assert.Equal(10, next[0].Offset);
        Assert.Equal("after recovery", Text((await ReadAllAsync(log, "t"))[^1]));
    }

    [Fact]
    public async Task AHalfWrittenRecordAtTheEndIsCutOff()
    {
        using var dir = new TempDir("log");
        var segment = await WriteRecordsAsync(dir.Path, 10, Unpadded(dir.Path));
        var bytes = await File.ReadAllBytesAsync(segment);
        var nine = Path.Combine(dir.Path, "nine");
        var nineRecords = new FileInfo(await WriteRecordsAsync(nine, 9, Unpadded(nine))).Length;
        // Simulate a crash in the middle of writing record 9: keep its first half only.
        var lastFrame = bytes.Length - nineRecords;
        await File.WriteAllBytesAsync(segment, bytes[..(int)(nineRecords + lastFrame / 2)]);

        await using var log = await EmbeddedEventLog.OpenAsync(Unpadded(dir.Path));

        Assert.Equal(lastFrame / 2, log.Stats.TruncatedBytes);
        Assert.Equal(9, (await log.GetEndOffsetsAsync("t", CancellationToken.None)).Values.Single());
        Assert.Equal(Enumerable.Range(0, 9).Select(i => $"value {i}"), (await ReadAllAsync(log, "t")).Select(Text));
        Assert.Equal(9, (await log.AppendAsync("t", [Message("k9", "value 9 again")], CancellationToken.None))[0].Offset);
    }

    [Fact]
    public async Task AChecksumMismatchInTheTailIsDetectedAndTheRecordIsNotServed()
    {
        using var dir = new TempDir("log");
        var segment = await WriteRecordsAsync(dir.Path, 10, Unpadded(dir.Path));
        var bytes = await File.ReadAllBytesAsync(segment);
        bytes[^2] ^= 0x01; // one bit of the last record's value
        await File.WriteAllBytesAsync(segment, bytes);

        await using var log = await EmbeddedEventLog.OpenAsync(Unpadded(dir.Path));

        Assert.True(log.Stats.TruncatedBytes > 0);
        var entries = await ReadAllAsync(log, "t");
        Assert.Equal(Enumerable.Range(0, 9).Select(i => $"value {i}"), entries.Select(Text));
    }

    [Fact]
    public async Task ZerosAfterTheLastRecordAreFreeSpaceThatAppendsOverwrite()
    {
        using var dir = new TempDir("log");
        var segment = await WriteRecordsAsync(dir.Path, 3, Unpadded(dir.Path));
        await using (var file = new FileStream(segment, FileMode.Append))
        {
            file.Write(new byte[4096]);
        }

        await AssertTheTailIsFreeSpaceAsync(segment, Unpadded(dir.Path), 3);
    }

    [Fact]
    public async Task TheActiveSegmentIsPaddedAheadOfItsRecordsAndReopensWhole()
    {
        using var dir = new TempDir("log");
        var (segment, records, padded) = await TenPaddedRecordsAsync(dir.Path);
        Assert.True(padded >= records + Options(dir.Path).PreallocateBytes - 4096, $"{padded} bytes for {records} of records");
        Assert.All((await File.ReadAllBytesAsync(segment))[(int)records..], b => Assert.Equal(0, b));

        await AssertTheTailIsFreeSpaceAsync(segment, Options(dir.Path), 10);
    }

    /// <summary>Reopening keeps every record and cuts nothing; the next append goes into the tail without growing the
    /// file, and is there after another reopen.</summary>
    private static async Task AssertTheTailIsFreeSpaceAsync(string segment, EmbeddedLogOptions options, int records)
    {
        var length = new FileInfo(segment).Length;
        await using (var log = await EmbeddedEventLog.OpenAsync(options))
        {
            Assert.Equal(0, log.Stats.TruncatedBytes);
            Assert.Equal(records, (await ReadAllAsync(log, "t")).Count);
            Assert.Equal(records, (await log.AppendAsync("t", [Message($"k{records}", $"value {records}")], CancellationToken.None))[0].Offset);
        }

        Assert.Equal(length, new FileInfo(segment).Length);
        Assert.Empty(Directory.GetFiles(Path.GetDirectoryName(segment)!, "*.torn-*"));
        await using var reopened = await EmbeddedEventLog.OpenAsync(options);
        Assert.Equal(Enumerable.Range(0, records + 1).Select(i => $"value {i}"), (await ReadAllAsync(reopened, "t")).Select(Text));
    }

    [Fact]
    public async Task ARecordTornInsideThePaddingIsCutOffWithThePadding()
    {
        using var dir = new TempDir("log");
        var (segment, records, padded) = await TenPaddedRecordsAsync(dir.Path);
        // A crash while record 10 was being written over the zeros: its first bytes made it to disk.
        await using (var file = new FileStream(segment, FileMode.Open, FileAccess.Write))
        {
            file.Position = records;
            file.Write([0x55, 0x00, 0x00, 0x00, 0xDE, 0xAD, 0xBE, 0xEF, 1, 2, 3, 4, 5]);
        }

        await using var log = await EmbeddedEventLog.OpenAsync(Options(dir.Path));

        Assert.Equal(padded - records, log.Stats.TruncatedBytes);
        Assert.Single(Directory.GetFiles(Path.GetDirectoryName(segment)!, "*.torn-*"));
        Assert.Equal(Enumerable.Range(0, 10).Select(i => $"value {i}"), (await ReadAllAsync(log, "t")).Select(Text));
        Assert.Equal(10, (await log.AppendAsync("t", [Message("k10", "after recovery")], CancellationToken.None))[0].Offset);
    }

    [Fact]
    public async Task SealedSegmentsHoldTheirRecordsOnlyAndAZeroTailInOneIsDamage()
    {
        using var dir = new TempDir("log");
        var options = Options(dir.Path) with { SegmentBytes = 4096 };
        await WriteRecordsAsync(dir.Path, 300, options);
        var files = SegmentFiles(dir.Path, "t", 0);
        Assert.True(files.Length >= 3, $"{files.Length} segments");
        foreach (var sealedFile in files[..^1])
        {
            Assert.True(new FileInfo(sealedFile).Length <= 4096);
            File.Delete(Path.ChangeExtension(sealedFile, ".idx"));
        }

        // Rescanned without their indexes, the sealed segments are clean.
        await using (var log = await EmbeddedEventLog.OpenAsync(options))
        {
            Assert.Equal(Enumerable.Range(0, 300).Select(i => $"value {i}"), (await ReadAllAsync(log, "t")).Select(Text));
        }

        // Zeros at the end of a sealed segment are lost records, not free space: the log refuses to open.
        await using (var file = new FileStream(files[0], FileMode.Append))
        {
            file.Write(new byte[512]);
        }
        File.Delete(Path.ChangeExtension(files[0], ".idx"));
        var error = await Assert.ThrowsAsync<LogCorruptedException>(() => EmbeddedEventLog.OpenAsync(options).AsTask());
        Assert.Contains("zeros where records should be", error.Message);
    }

    [Fact]
    public async Task DamageInsideASealedSegmentIsReportedNotServed()
    {
        using var dir = new TempDir("log");
        var options = Options(dir.Path) with { SegmentBytes = 4096 };
        await WriteRecordsAsync(dir.Path, 400, options);
        var first = SegmentFiles(dir.Path, "t", 0)[0];
        var bytes = await File.ReadAllBytesAsync(first);
        bytes[bytes.Length / 2] ^= 0xFF;
        await File.WriteAllBytesAsync(first, bytes);

        // With its index present the sealed segment is trusted at open; the read then finds the damage.
        await using (var log = await EmbeddedEventLog.OpenAsync(options))
        {
            var error = await Assert.ThrowsAsync<LogCorruptedException>(() => ReadAllAsync(log, "t"));
            Assert.Contains(Path.GetFileName(first), error.Message);
        }

        // Without the index the segment is rescanned at open, and the log refuses to open rather than drop data.
        File.Delete(Path.ChangeExtension(first, ".idx"));
        var openError = await Assert.ThrowsAsync<LogCorruptedException>(() => EmbeddedEventLog.OpenAsync(options).AsTask());
        Assert.Contains("damaged", openError.Message);
    }

    [Fact]
    public async Task AMissingSegmentIndexIsRebuiltFromTheSegment()
    {
        using var dir = new TempDir("log");
        var options = Options(dir.Path) with { SegmentBytes = 4096 };
        await WriteRecordsAsync(dir.Path, 300, options);
        foreach (var index in Directory.GetFiles(Path.Combine(dir.Path, "topics", "t", "0"), "*.idx"))
        {
            await File.WriteAllTextAsync(index, "not an index");
        }

        await using var log = await EmbeddedEventLog.OpenAsync(options);

        var entries = await ReadAllAsync(log, "t", new Dictionary<TopicPartition, long> { [new("t", 0)] = 123 });
        Assert.Equal(Enumerable.Range(123, 177).Select(i => $"value {i}"), entries.Select(Text));
    }
}
