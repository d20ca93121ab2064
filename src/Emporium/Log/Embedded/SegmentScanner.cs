namespace Emporium.Log.Embedded;

/// <summary>Walks a segment file frame by frame, validating length, checksum and offset continuity, and feeds the
/// sparse index. Stops at the first frame that is incomplete or invalid.</summary>
internal static class SegmentScanner
{
    public static ScanResult Scan(Segment segment, int indexInterval, CancellationToken ct)
    {
        var fileLength = RandomAccess.GetLength(segment.Handle);
        var buffer = new byte[1 << 20];
        var bufferFilePosition = 0L;
        var bufferLength = 0;
        var consumed = 0;
        var next = segment.BaseOffset;
        var maxTs = long.MinValue;
        var position = 0L;
        while (true)
        {
            ct.ThrowIfCancellationRequested();
            var status = RecordFrame.TryRead(buffer.AsSpan(consumed, bufferLength - consumed), out var frame);
            if (status == FrameStatus.Ok)
            {
                if (frame.Offset != next)
                {
                    return new ScanResult(position, next, maxTs, fileLength, $"offset {frame.Offset} where {next} was expected");
                }

                segment.Track(next, position, indexInterval);
                next++;
                maxTs = Math.Max(maxTs, frame.TimestampMs);
                position += frame.Length;
                consumed += frame.Length;
                continue;
            }

            if (status == FrameStatus.Corrupt)
            {
                return Stop(segment, position, next, maxTs, fileLength, "bad length or checksum");
            }

            // Incomplete: refill, or report a torn tail at end of file.
            var needed = Math.Max(frame.Length, RecordFrame.HeaderBytes);
            if (position + needed > fileLength)
            {
                return Stop(segment, position, next, maxTs, fileLength, "incomplete record at end of file");
            }

            var remaining = bufferLength - consumed;
            if (needed > buffer.Length)
            {
                var bigger = new byte[needed];
                buffer.AsSpan(consumed, remaining).CopyTo(bigger);
                buffer = bigger;
            }
            else
            {
                buffer.AsSpan(consumed, remaining).CopyTo(buffer);
            }

            bufferFilePosition += consumed;
            consumed = 0;
            bufferLength = remaining;
            while (bufferLength < needed)
            {
                var read = RandomAccess.Read(segment.Handle, buffer.AsSpan(bufferLength), bufferFilePosition + bufferLength);
                if (read == 0)
                {
                    return Stop(segment, position, next, maxTs, fileLength, "incomplete record at end of file");
                }

                bufferLength += read;
            }
        }
    }

    /// <summary>The scan's end at <paramref name="position"/>: clean when nothing but zeros follows (the end of the file,
    /// or the writer's padding, see <see cref="EmbeddedLogOptions.PreallocateBytes"/>), else <paramref name="problem"/>.</summary>
    private static ScanResult Stop(Segment segment, long position, long next, long maxTs, long fileLength, string problem) =>
        new(position, next, maxTs, fileLength, OnlyZerosFrom(segment, position, fileLength) ? null : problem);

    private static bool OnlyZerosFrom(Segment segment, long position, long fileLength)
    {
        var buffer = new byte[64 * 1024];
        for (var at = position; at < fileLength;)
        {
            var read = RandomAccess.Read(segment.Handle, buffer.AsSpan(0, (int)Math.Min(buffer.Length, fileLength - at)), at);
            if (read == 0)
            {
                return true;
            }

            if (buffer.AsSpan(0, read).ContainsAnyExcept((byte)0))
            {
                return false;
            }

            at += read;
        }

        return true;
    }
}

/// <summary>Outcome of a scan: the valid prefix (<see cref="ValidLength"/> bytes, records up to
/// <see cref="NextOffset"/>) and, when the file holds more than that, why the rest is invalid. A clean scan may end
/// before <see cref="FileLength"/>: the rest is zeros then.</summary>
internal readonly record struct ScanResult(long ValidLength, long NextOffset, long MaxTimestampMs, long FileLength, string? Problem)
{
    public bool IsClean => Problem is null;
}
