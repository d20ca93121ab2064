namespace Emporium.Log.Embedded;

/// <summary>Reading: find the segment holding the offset, seek with the sparse index, then validate and return
/// frames up to the durable end. A checksum failure throws; corrupt data is never returned.</summary>
internal sealed partial class Partition
{
    // Reads stay below the large-object-heap threshold (85,000 bytes): entries alias the chunk, so chunks live as
    // long as the consumer holds the entries, and short-lived LOH arrays would force gen-2 collections.
    private const int MinChunkBytes = 8 * 1024;
    private const int MaxChunkBytes = 80 * 1024;

    /// <summary>Appends to <paramref name="into"/> up to <paramref name="maxRecords"/> entries from offset
    /// <paramref name="from"/> (moved up to the log start when older data was deleted by retention). Returns where
    /// the read stopped, which the caller passes back as <paramref name="hint"/> to continue without seeking.</summary>
    public ReadCursor Read(long from, int maxRecords, long maxBytes, List<LogEntry> into, ReadCursor hint)
    {
        var end = EndOffset;
        var segments = Segments;
        from = Math.Max(from, segments[0].BaseOffset);
        if (from >= end || maxRecords <= 0)
        {
            // Nothing new: the cursor still points at the end, so the next read continues there without a seek.
            return hint.NextOffset == from ? hint : new ReadCursor(from, -1, 0);
        }

        var si = FindSegment(segments, from);
        long position;
        long current;
        if (hint.NextOffset == from && hint.SegmentBase == segments[si].BaseOffset)
        {
            position = hint.Position;
            current = from;
        }
        else
        {
            var floor = segments[si].Floor(from);
            position = floor.Position;
            current = floor.Offset;
        }

        try
        {
            return ReadFrom(segments, si, position, current, from, end, maxRecords, maxBytes, into);
        }
        catch (ObjectDisposedException)
        {
            // Retention deleted the segment under us; the caller's next fetch resolves the new log start.
            return new ReadCursor(Math.Max(from, into.Count > 0 ? into[^1].Offset + 1 : from), -1, 0);
        }
    }

    private ReadCursor ReadFrom(Segment[] segments, int si, long position, long current, long from, long end,
        int maxRecords, long maxBytes, List<LogEntry> into)
    {
        var added = 0;
        long bytes = 0;
        while (added < maxRecords && current < end && (bytes < maxBytes || added == 0))
        {
            var segment = segments[si];
            var visible = segment.VisibleLength;
            if (position >= visible)
            {
                if (si + 1 >= segments.Length)
                {
                    break;
                }

                si++;
                position = 0;
                continue;
            }

            // Size the read to what is still wanted, from the segment's average record size.
            var records = Math.Max(1, segment.NextOffset - segment.BaseOffset);
            var average = visible / records + 1;
            var want = Math.Clamp(Math.Min(maxBytes - bytes, (maxRecords - added) * average + RecordFrame.HeaderBytes), MinChunkBytes, MaxChunkBytes);
            var chunk = ReadChunk(segment, position, (int)Math.Min(visible - position, want));
            var at = 0;
            while (at < chunk.Length && added < maxRecords && current < end && (bytes < maxBytes || added == 0))
            {
                var status = RecordFrame.TryRead(chunk.AsSpan(at), out var frame);
                if (status == FrameStatus.Incomplete && at == 0)
                {
                    if (frame.Length == 0 || position + frame.Length > visible)
                    {
                        throw Corrupt(segment, position, "record runs past the durable end");
                    }

                    chunk = ReadChunk(segment, position, frame.Length);
                    continue;
                }

                if (status == FrameStatus.Incomplete)
                {
                    break;
                }

                if (status == FrameStatus.Corrupt || frame.Offset != current)
                {
                    throw Corrupt(segment, position, status == FrameStatus.Corrupt ? "bad length or checksum" : $"offset {frame.Offset} where {current} was expected");
                }

                if (current >= from)
                {
                    into.Add(RecordFrame.ToEntry(Id, frame, chunk, at));
                    added++;
                    bytes += frame.Length;
                }

                at += frame.Length;
                position += frame.Length;
                current++;
            }
        }

        return new ReadCursor(current, segments[si].BaseOffset, position);
    }

    private byte[] ReadChunk(Segment segment, long position, int length)
    {
        // Every byte is read into it before use, so zeroing it first was wasted (a visible share of a small fetch).
        var chunk = GC.AllocateUninitializedArray<byte>(length);
        var read = 0;
        while (read < length)
        {
            var n = RandomAccess.Read(segment.Handle, chunk.AsSpan(read), position + read);
            if (n == 0)
            {
                throw Corrupt(segment, position + read, "file shorter than its durable length");
            }

            read += n;
        }

        return chunk;
    }

    private static int FindSegment(Segment[] segments, long offset)
    {
        int lo = 0, hi = segments.Length - 1;
        while (lo < hi)
        {
            var mid = (lo + hi + 1) >>> 1;
            if (segments[mid].BaseOffset <= offset)
            {
                lo = mid;
            }
            else
            {
                hi = mid - 1;
            }
        }

        return lo;
    }

    private LogCorruptedException Corrupt(Segment segment, long position, string problem) =>
        new($"{Id}: damaged record at byte {position} of {segment.FilePath} ({problem}); it is not served.");
}

/// <summary>Where a read stopped: the next offset, in which segment and at which byte.</summary>
internal readonly record struct ReadCursor(long NextOffset, long SegmentBase, long Position)
{
    public static readonly ReadCursor None = new(-1, -1, 0);
}
