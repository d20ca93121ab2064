namespace Emporium.Log.Embedded;

/// <summary>Live counters of one embedded log, cheap to read at any time (for /metrics and benchmarks).</summary>
public sealed class EmbeddedLogStats
{
    private long _appendCalls;
    private long _appendedRecords;
    private long _appendedBytes;
    private long _commits;
    private long _fsyncs;
    private long _segmentsRolled;
    private long _segmentsDeleted;
    private long _truncatedBytes;
    private long _logBytes;

    /// <summary>AppendAsync calls acknowledged.</summary>
    public long AppendCalls => Volatile.Read(ref _appendCalls);

    /// <summary>Records made durable since open.</summary>
    public long AppendedRecords => Volatile.Read(ref _appendedRecords);

    /// <summary>Framed bytes made durable since open.</summary>
    public long AppendedBytes => Volatile.Read(ref _appendedBytes);

    /// <summary>Group commits (one per writer batch per partition).</summary>
    public long Commits => Volatile.Read(ref _commits);

    /// <summary>fsync calls on segment data.</summary>
    public long Fsyncs => Volatile.Read(ref _fsyncs);

    public long SegmentsRolled => Volatile.Read(ref _segmentsRolled);

    public long SegmentsDeleted => Volatile.Read(ref _segmentsDeleted);

    /// <summary>Bytes of torn or corrupt tail cut off when the log was opened.</summary>
    public long TruncatedBytes => Volatile.Read(ref _truncatedBytes);

    /// <summary>Current size of all segment files.</summary>
    public long LogBytes => Volatile.Read(ref _logBytes);

    internal void AddAppendCall() => Interlocked.Increment(ref _appendCalls);

    internal void AddCommit(long records) => Interlocked.Add(ref _appendedRecords, records);

    internal void AddCommitBatch() => Interlocked.Increment(ref _commits);

    internal void AddFsync() => Interlocked.Increment(ref _fsyncs);

    internal void AddBytes(long bytes)
    {
        Interlocked.Add(ref _appendedBytes, bytes);
        Interlocked.Add(ref _logBytes, bytes);
    }

    internal void AddExistingBytes(long bytes) => Interlocked.Add(ref _logBytes, bytes);

    internal void AddRoll() => Interlocked.Increment(ref _segmentsRolled);

    internal void AddDeleted(long bytes)
    {
        Interlocked.Increment(ref _segmentsDeleted);
        Interlocked.Add(ref _logBytes, -bytes);
    }

    internal void AddTruncated(long bytes) => Interlocked.Add(ref _truncatedBytes, bytes);
}
