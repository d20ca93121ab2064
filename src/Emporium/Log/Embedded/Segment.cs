using System.Globalization;
using Microsoft.Win32.SafeHandles;

namespace Emporium.Log.Embedded;

/// <summary>One segment file of a partition, named by the offset of its first record, with its in-memory sparse
/// index. The writer advances the segment; readers only see what <see cref="Publish"/> made visible (fsync'd).</summary>
internal sealed class Segment : IDisposable
{
    private readonly Lock _indexLock = new();
    private readonly List<IndexEntry> _index = [];
    private long _lastIndexedPosition = long.MinValue;
    private long _visibleLength;
    private long _nextOffset;
    private long _maxTimestampMs;

    private Segment(string directory, long baseOffset, SafeFileHandle handle)
    {
        BaseOffset = baseOffset;
        FilePath = Path.Combine(directory, FileName(baseOffset));
        IndexPath = Path.ChangeExtension(FilePath, ".idx");
        Handle = handle;
        _nextOffset = baseOffset;
        WrittenNextOffset = baseOffset;
        _maxTimestampMs = long.MinValue;
        WrittenMaxTimestampMs = long.MinValue;
    }

    public long BaseOffset { get; }

    public string FilePath { get; }

    public string IndexPath { get; }

    public SafeFileHandle Handle { get; }

    /// <summary>Bytes readers may read (fsync'd).</summary>
    public long VisibleLength => Volatile.Read(ref _visibleLength);

    /// <summary>Offset after the last visible record.</summary>
    public long NextOffset => Volatile.Read(ref _nextOffset);

    /// <summary>Newest visible record's timestamp (Unix ms), <see cref="long.MinValue"/> when empty.</summary>
    public long MaxTimestampMs => Volatile.Read(ref _maxTimestampMs);

    public bool IsEmpty => NextOffset == BaseOffset;

    /// <summary>Writer-side length, ahead of <see cref="VisibleLength"/> until the next fsync.</summary>
    public long WrittenLength { get; set; }

    public long WrittenNextOffset { get; set; }

    /// <summary>Writer-side length of the file: <see cref="WrittenLength"/> plus the zeros written ahead of the data
    /// (<see cref="EmbeddedLogOptions.PreallocateBytes"/>).</summary>
    public long PaddedLength { get; set; }

    public long WrittenMaxTimestampMs { get; set; }

    public static string FileName(long baseOffset) => baseOffset.ToString("D20", CultureInfo.InvariantCulture) + ".seg";

    public static bool TryParseBaseOffset(string path, out long baseOffset)
    {
        baseOffset = 0;
        return string.Equals(Path.GetExtension(path), ".seg", StringComparison.Ordinal)
               && long.TryParse(Path.GetFileNameWithoutExtension(path), NumberStyles.None, CultureInfo.InvariantCulture, out baseOffset);
    }

    public static Segment Create(string directory, long baseOffset)
    {
        var path = Path.Combine(directory, FileName(baseOffset));
        // Create, not CreateNew: a new segment starts past every record, so a file already there can only be one a roll
        // created before its directory fsync failed (empty, untracked); refusing it failed every roll, and so every
        // append, until the log was reopened.
        var handle = File.OpenHandle(path, FileMode.Create, FileAccess.ReadWrite, FileShare.Read | FileShare.Delete);
        DurableFiles.SyncDirectory(directory);
        return new Segment(directory, baseOffset, handle);
    }

    public static Segment Open(string directory, long baseOffset, bool writable)
    {
        var path = Path.Combine(directory, FileName(baseOffset));
        var handle = writable
            ? File.OpenHandle(path, FileMode.Open, FileAccess.ReadWrite, FileShare.Read | FileShare.Delete)
            : File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        return new Segment(directory, baseOffset, handle);
    }

    /// <summary>Records that a frame of offset <paramref name="offset"/> starts at <paramref name="position"/>,
    /// keeping one entry per <paramref name="interval"/> bytes.</summary>
    public void Track(long offset, long position, int interval)
    {
        // The first frame is always indexed: "position - long.MinValue" overflows to a negative number, which kept a
        // segment being written without any index entry, so every read that could not continue from a cursor (a
        // partition that had no new data at the previous fetch) scanned the segment from its start.
        if (_lastIndexedPosition != long.MinValue && position - _lastIndexedPosition < interval)
        {
            return;
        }

        lock (_indexLock)
        {
            _index.Add(new IndexEntry(offset, position));
        }

        _lastIndexedPosition = position;
    }

    public void LoadIndex(IReadOnlyList<IndexEntry> entries)
    {
        lock (_indexLock)
        {
            _index.Clear();
            _index.AddRange(entries);
        }

        _lastIndexedPosition = entries.Count > 0 ? entries[^1].Position : long.MinValue;
    }

    public IndexEntry[] IndexSnapshot()
    {
        lock (_indexLock)
        {
            return [.. _index];
        }
    }

    /// <summary>File position of the last indexed record at or before <paramref name="offset"/> (0 when none).</summary>
    public IndexEntry Floor(long offset)
    {
        lock (_indexLock)
        {
            int lo = 0, hi = _index.Count - 1, found = -1;
            while (lo <= hi)
            {
                var mid = (lo + hi) >>> 1;
                if (_index[mid].Offset <= offset)
                {
                    found = mid;
                    lo = mid + 1;
                }
                else
                {
                    hi = mid - 1;
                }
            }

            return found < 0 ? new IndexEntry(BaseOffset, 0) : _index[found];
        }
    }

    /// <summary>Makes everything written so far visible to readers; called after the fsync.</summary>
    public void Publish()
    {
        Volatile.Write(ref _maxTimestampMs, WrittenMaxTimestampMs);
        Volatile.Write(ref _visibleLength, WrittenLength);
        Volatile.Write(ref _nextOffset, WrittenNextOffset);
    }

    /// <summary>Forgets what was written after the last <see cref="Publish"/> (a write that failed): the writer goes on
    /// from the last fsync'd record, and index entries of records that are not in the file any more go.</summary>
    public void DiscardUnpublished()
    {
        WrittenLength = VisibleLength;
        WrittenNextOffset = NextOffset;
        WrittenMaxTimestampMs = MaxTimestampMs;
        PaddedLength = VisibleLength;
        lock (_indexLock)
        {
            var next = NextOffset;
            _index.RemoveAll(e => e.Offset >= next);
            _lastIndexedPosition = _index.Count > 0 ? _index[^1].Position : long.MinValue;
        }
    }

    public void Dispose() => Handle.Dispose();
}

/// <summary>A sparse index entry: the frame of <see cref="Offset"/> starts at byte <see cref="Position"/>.</summary>
internal readonly record struct IndexEntry(long Offset, long Position);
