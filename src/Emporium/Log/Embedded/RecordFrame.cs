using System.Buffers.Binary;
using System.Text;

namespace Emporium.Log.Embedded;

/// <summary>On-disk record layout, little endian:
/// <c>u32 bodyLength | u32 crc32c(body) | body = i64 offset | i64 timestampMs | i32 keyLength (-1 = null) | key utf8 | value</c>.
/// The length comes first so a reader knows how much to read; the checksum covers everything after it, so a torn
/// write, a zeroed tail or a flipped bit all fail validation.</summary>
internal static class RecordFrame
{
    public const int HeaderBytes = 8;
    public const int FixedBodyBytes = 20;

    /// <summary>Hard cap on a body, to reject garbage lengths before allocating.</summary>
    public const int MaxBodyBytes = 256 * 1024 * 1024;

    public static int FrameBytes(int keyBytes, int valueBytes) => HeaderBytes + FixedBodyBytes + keyBytes + valueBytes;

    public static int KeyByteCount(string? key) => key is null ? 0 : Encoding.UTF8.GetByteCount(key);

    /// <summary>Writes one frame into <paramref name="destination"/>, which must be exactly the frame size.</summary>
    public static void Write(Span<byte> destination, long offset, long timestampMs, string? key, int keyBytes, ReadOnlySpan<byte> value)
    {
        var body = destination[HeaderBytes..];
        BinaryPrimitives.WriteInt64LittleEndian(body, offset);
        BinaryPrimitives.WriteInt64LittleEndian(body[8..], timestampMs);
        BinaryPrimitives.WriteInt32LittleEndian(body[16..], key is null ? -1 : keyBytes);
        if (key is not null)
        {
            Encoding.UTF8.GetBytes(key, body.Slice(FixedBodyBytes, keyBytes));
        }

        value.CopyTo(body[(FixedBodyBytes + keyBytes)..]);
        BinaryPrimitives.WriteUInt32LittleEndian(destination, (uint)body.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[4..], Crc32C.Compute(body));
    }

    /// <summary>Parses the frame at the start of <paramref name="buffer"/>. <see cref="FrameStatus.Incomplete"/> means
    /// the buffer ends inside the frame (<paramref name="frame"/>.Length tells how much is needed when known).</summary>
    public static FrameStatus TryRead(ReadOnlySpan<byte> buffer, out Frame frame)
    {
        frame = default;
        if (buffer.Length < HeaderBytes)
        {
            return FrameStatus.Incomplete;
        }

        var bodyLength = BinaryPrimitives.ReadUInt32LittleEndian(buffer);
        if (bodyLength < FixedBodyBytes || bodyLength > MaxBodyBytes)
        {
            return FrameStatus.Corrupt;
        }

        var total = HeaderBytes + (int)bodyLength;
        frame = new Frame(total, 0, 0, -1);
        if (buffer.Length < total)
        {
            return FrameStatus.Incomplete;
        }

        var body = buffer.Slice(HeaderBytes, (int)bodyLength);
        if (Crc32C.Compute(body) != BinaryPrimitives.ReadUInt32LittleEndian(buffer[4..]))
        {
            return FrameStatus.Corrupt;
        }

        var keyLength = BinaryPrimitives.ReadInt32LittleEndian(body[16..]);
        if (keyLength < -1 || keyLength > bodyLength - FixedBodyBytes)
        {
            return FrameStatus.Corrupt;
        }

        frame = new Frame(total, BinaryPrimitives.ReadInt64LittleEndian(body), BinaryPrimitives.ReadInt64LittleEndian(body[8..]), keyLength);
        return FrameStatus.Ok;
    }

    /// <summary>Builds the entry for a frame validated by <see cref="TryRead"/>; the value aliases <paramref name="chunk"/>.</summary>
    public static LogEntry ToEntry(TopicPartition partition, in Frame frame, byte[] chunk, int start)
    {
        var keyStart = start + HeaderBytes + FixedBodyBytes;
        var keyBytes = Math.Max(frame.KeyLength, 0);
        var key = frame.KeyLength < 0 ? null : Encoding.UTF8.GetString(chunk, keyStart, keyBytes);
        var valueStart = keyStart + keyBytes;
        var value = new ReadOnlyMemory<byte>(chunk, valueStart, start + frame.Length - valueStart);
        return new LogEntry(partition, frame.Offset, key, value, DateTimeOffset.FromUnixTimeMilliseconds(frame.TimestampMs));
    }
}

internal enum FrameStatus
{
    Ok,
    Incomplete,
    Corrupt,
}

/// <summary>A parsed frame header: total bytes on disk, offset, timestamp and key length (-1 = null key).</summary>
internal readonly record struct Frame(int Length, long Offset, long TimestampMs, int KeyLength);
