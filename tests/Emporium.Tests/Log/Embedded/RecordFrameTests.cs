using Emporium.Log;
using Emporium.Log.Embedded;

namespace Emporium.Tests.Log.Embedded;

public sealed class RecordFrameTests
{
    private static byte[] Frame(string? key, byte[] value, long offset = 42)
    {
        var keyBytes = RecordFrame.KeyByteCount(key);
        var frame = new byte[RecordFrame.FrameBytes(keyBytes, value.Length)];
        RecordFrame.Write(frame, offset, 1_700_000_000_123, key, keyBytes, value);
        return frame;
    }

    [Fact]
    public void AFrameReadsBackExactly()
    {
        var frame = Frame("clé", [1, 2, 3]);

        Assert.Equal(FrameStatus.Ok, RecordFrame.TryRead(frame, out var parsed));
        var entry = RecordFrame.ToEntry(new TopicPartition("t", 0), parsed, frame, 0);
        Assert.Equal((42L, "clé"), (entry.Offset, entry.Key));
        Assert.Equal([1, 2, 3], entry.Value.ToArray());
        Assert.Equal(1_700_000_000_123, entry.Timestamp.ToUnixTimeMilliseconds());
    }

    [Fact]
    public void EveryFlippedBitIsDetected()
    {
        var frame = Frame(null, [9, 8, 7, 6]);
        for (var bit = 0; bit < frame.Length * 8; bit++)
        {
            var copy = (byte[])frame.Clone();
            copy[bit / 8] ^= (byte)(1 << (bit % 8));
            Assert.NotEqual(FrameStatus.Ok, RecordFrame.TryRead(copy, out _));
        }
    }

    [Fact]
    public void EveryTruncationIsIncomplete()
    {
        var frame = Frame("k", new byte[100]);
        for (var length = 0; length < frame.Length; length++)
        {
            Assert.Equal(FrameStatus.Incomplete, RecordFrame.TryRead(frame.AsSpan(0, length), out _));
        }
    }
}
