using System.Buffers.Binary;

namespace Emporium.Log.Embedded;

/// <summary>Persisted sparse index of a sealed segment (<c>.idx</c>), so opening a large log does not rescan every
/// segment. It records the segment's length; a mismatch or bad checksum means "rescan", never "trust".</summary>
internal static class SegmentIndexFile
{
    private const uint Magic = 0x58444945; // "EIDX"
    private const int Version = 1;
    private const int HeaderBytes = 4 + 4 + 8 + 8 + 8 + 8 + 4;

    public static void Write(Segment segment)
    {
        var entries = segment.IndexSnapshot();
        var bytes = new byte[HeaderBytes + entries.Length * 16 + 4];
        var span = bytes.AsSpan();
        BinaryPrimitives.WriteUInt32LittleEndian(span, Magic);
        BinaryPrimitives.WriteInt32LittleEndian(span[4..], Version);
        BinaryPrimitives.WriteInt64LittleEndian(span[8..], segment.BaseOffset);
        BinaryPrimitives.WriteInt64LittleEndian(span[16..], segment.WrittenNextOffset);
        BinaryPrimitives.WriteInt64LittleEndian(span[24..], segment.WrittenLength);
        BinaryPrimitives.WriteInt64LittleEndian(span[32..], segment.WrittenMaxTimestampMs);
        BinaryPrimitives.WriteInt32LittleEndian(span[40..], entries.Length);
        var at = HeaderBytes;
        foreach (var entry in entries)
        {
            BinaryPrimitives.WriteInt64LittleEndian(span[at..], entry.Offset);
            BinaryPrimitives.WriteInt64LittleEndian(span[(at + 8)..], entry.Position);
            at += 16;
        }

        BinaryPrimitives.WriteUInt32LittleEndian(span[at..], Crc32C.Compute(span[..at]));
        DurableFiles.WriteAtomic(segment.IndexPath, bytes);
    }

    /// <summary>Loads the index into <paramref name="segment"/> when it is valid for the file as it is now.</summary>
    public static bool TryLoad(Segment segment, out long nextOffset, out long length, out long maxTimestampMs)
    {
        nextOffset = length = maxTimestampMs = 0;
        if (!File.Exists(segment.IndexPath))
        {
            return false;
        }

        var bytes = File.ReadAllBytes(segment.IndexPath);
        if (bytes.Length < HeaderBytes + 4)
        {
            return false;
        }

        var span = bytes.AsSpan();
        var count = BinaryPrimitives.ReadInt32LittleEndian(span[40..]);
        if (BinaryPrimitives.ReadUInt32LittleEndian(span) != Magic
            || BinaryPrimitives.ReadInt32LittleEndian(span[4..]) != Version
            || count < 0 || bytes.Length != HeaderBytes + count * 16L + 4
            || BinaryPrimitives.ReadUInt32LittleEndian(span[^4..]) != Crc32C.Compute(span[..^4])
            || BinaryPrimitives.ReadInt64LittleEndian(span[8..]) != segment.BaseOffset)
        {
            return false;
        }

        nextOffset = BinaryPrimitives.ReadInt64LittleEndian(span[16..]);
        length = BinaryPrimitives.ReadInt64LittleEndian(span[24..]);
        maxTimestampMs = BinaryPrimitives.ReadInt64LittleEndian(span[32..]);
        if (length != RandomAccess.GetLength(segment.Handle))
        {
            return false;
        }

        var entries = new IndexEntry[count];
        for (var i = 0; i < count; i++)
        {
            var at = HeaderBytes + i * 16;
            entries[i] = new IndexEntry(BinaryPrimitives.ReadInt64LittleEndian(span[at..]), BinaryPrimitives.ReadInt64LittleEndian(span[(at + 8)..]));
        }

        segment.LoadIndex(entries);
        return true;
    }
}
