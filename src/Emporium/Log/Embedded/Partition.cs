namespace Emporium.Log.Embedded;

/// <summary>One partition: an ordered list of segments, the last one active. A single writer thread appends
/// (see Partition.Writer.cs); any number of readers read what has been fsync'd (Partition.Reader.cs).</summary>
internal sealed partial class Partition
{
    private readonly EmbeddedLogOptions _options;
    private readonly EmbeddedLogStats _stats;
    private readonly Action _onCommitted;
    private readonly Lock _segmentsLock = new();
    private Segment[] _segments;
    private long _endOffset;

    private Partition(TopicPartition id, string directory, EmbeddedLogOptions options, LogCommitPolicy policy,
        TimeProvider time, EmbeddedLogStats stats, Action onCommitted, Segment[] segments)
    {
        Id = id;
        Directory = directory;
        _options = options;
        _policy = policy;
        _time = time;
        _stats = stats;
        _onCommitted = onCommitted;
        _segments = segments;
        _endOffset = segments[^1].NextOffset;
        StartWriter();
    }

    public TopicPartition Id { get; }

    public string Directory { get; }

    /// <summary>Next offset to be written; everything below it is durable and readable.</summary>
    public long EndOffset => Volatile.Read(ref _endOffset);

    /// <summary>Oldest offset still stored (retention moves it forward).</summary>
    public long StartOffset => Volatile.Read(ref _segments)[0].BaseOffset;

    public long SizeBytes => Volatile.Read(ref _segments).Sum(s => s.VisibleLength);

    internal Segment[] Segments => Volatile.Read(ref _segments);

    /// <summary>Opens (or creates) the partition directory: sealed segments are trusted through their index or
    /// rescanned; the active segment is always rescanned and a torn or corrupt tail is cut off (and kept aside in a
    /// <c>.torn-*</c> file for inspection) so it is never served.</summary>
    public static Partition Open(TopicPartition id, string directory, EmbeddedLogOptions options, LogCommitPolicy policy,
        TimeProvider time, EmbeddedLogStats stats, Action onCommitted, CancellationToken ct)
    {
        System.IO.Directory.CreateDirectory(directory);
        var bases = System.IO.Directory.EnumerateFiles(directory)
            .Select(f => Segment.TryParseBaseOffset(f, out var b) ? b : -1)
            .Where(b => b >= 0)
            .Order()
            .ToArray();
        var segments = new List<Segment>();
        try
        {
            if (bases.Length == 0)
            {
                segments.Add(Segment.Create(directory, 0));
            }

            for (var i = 0; i < bases.Length; i++)
            {
                var last = i == bases.Length - 1;
                var segment = Segment.Open(directory, bases[i], writable: last);
                segments.Add(segment);
                if (last)
                {
                    RecoverActive(segment, options, stats, ct);
                }
                else
                {
                    LoadSealed(segment, options, ct);
                }

                if (i > 0 && segments[i - 1].NextOffset != segment.BaseOffset)
                {
                    throw new LogCorruptedException(
                        $"{id}: segment {segments[i - 1].FilePath} ends at offset {segments[i - 1].NextOffset} but the next segment starts at {segment.BaseOffset}.");
                }

                stats.AddExistingBytes(segment.VisibleLength);
            }
        }
        catch
        {
            segments.ForEach(s => s.Dispose());
            throw;
        }

        return new Partition(id, directory, options, policy, time, stats, onCommitted, [.. segments]);
    }

    private static void LoadSealed(Segment segment, EmbeddedLogOptions options, CancellationToken ct)
    {
        if (SegmentIndexFile.TryLoad(segment, out var next, out var length, out var maxTs))
        {
            SetWritten(segment, length, next, maxTs);
            return;
        }

        var scan = SegmentScanner.Scan(segment, options.IndexIntervalBytes, ct);
        if (!scan.IsClean || scan.ValidLength != scan.FileLength)
        {
            // Damage inside a sealed segment is not a crash artefact (only the active segment is written to), so
            // cutting it off would silently drop acknowledged records after it: refuse to open instead.
            throw new LogCorruptedException(
                $"Sealed segment {segment.FilePath} is damaged at byte {scan.ValidLength} of {scan.FileLength}: {scan.Problem ?? "zeros where records should be"}.");
        }

        SetWritten(segment, scan.ValidLength, scan.NextOffset, scan.MaxTimestampMs);
        SegmentIndexFile.Write(segment);
    }

    private static void RecoverActive(Segment segment, EmbeddedLogOptions options, EmbeddedLogStats stats, CancellationToken ct)
    {
        var scan = SegmentScanner.Scan(segment, options.IndexIntervalBytes, ct);
        if (!scan.IsClean)
        {
            var torn = scan.FileLength - scan.ValidLength;
            QuarantineTail(segment, scan.ValidLength, scan.FileLength);
            RandomAccess.SetLength(segment.Handle, scan.ValidLength);
            RandomAccess.FlushToDisk(segment.Handle);
            stats.AddTruncated(torn);
        }

        SetWritten(segment, scan.ValidLength, scan.NextOffset, scan.MaxTimestampMs);
        // An all-zero tail is the writer's padding (clean): appends overwrite it.
        segment.PaddedLength = scan.IsClean ? scan.FileLength : scan.ValidLength;
    }

    private static void QuarantineTail(Segment segment, long from, long to)
    {
        var path = $"{segment.FilePath}.torn-{DateTime.UtcNow:yyyyMMddHHmmssfff}";
        var buffer = new byte[Math.Min(to - from, 1 << 20)];
        using var output = File.OpenHandle(path, FileMode.Create, FileAccess.Write);
        for (var at = from; at < to;)
        {
            var read = RandomAccess.Read(segment.Handle, buffer, at);
            if (read == 0)
            {
                break;
            }

            RandomAccess.Write(output, buffer.AsSpan(0, read), at - from);
            at += read;
        }
    }

    private static void SetWritten(Segment segment, long length, long nextOffset, long maxTs)
    {
        segment.WrittenLength = length;
        segment.WrittenNextOffset = nextOffset;
        segment.WrittenMaxTimestampMs = maxTs;
        segment.Publish();
    }

    /// <summary>Deletes the oldest sealed segments for which <paramref name="deletable"/> holds (stopping at the
    /// first that does not: the log stays contiguous). The active segment is never deleted.</summary>
    public void DeleteOldSegments(Func<Segment, long, bool> deletable)
    {
        while (true)
        {
            Segment victim;
            lock (_segmentsLock)
            {
                var segments = _segments;
                var remainingBytes = segments.Sum(s => s.VisibleLength);
                if (segments.Length < 2 || !deletable(segments[0], remainingBytes))
                {
                    return;
                }

                victim = segments[0];
                Volatile.Write(ref _segments, segments[1..]);
            }

            var bytes = victim.VisibleLength;
            victim.Dispose();
            File.Delete(victim.FilePath);
            File.Delete(victim.IndexPath);
            DurableFiles.SyncDirectory(Directory);
            _stats.AddDeleted(bytes);
        }
    }
}
