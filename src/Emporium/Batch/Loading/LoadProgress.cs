namespace Emporium.Batch.Loading;

/// <summary>Live counters of a running load, read by a progress display from another thread.</summary>
public sealed class LoadProgress
{
    private long bytesDone;
    private long rows;
    private long rejected;
    private Func<long>? currentFileBytes;

    /// <summary>Total bytes of all files to load (set before loading).</summary>
    public long TotalBytes { get; set; }

    /// <summary>File being loaded, for display.</summary>
    public string? CurrentFile { get; private set; }

    public long Rows => Interlocked.Read(ref rows);

    public long Rejected => Interlocked.Read(ref rejected);

    /// <summary>Bytes of finished files plus the read position in the current one.</summary>
    public long Bytes => Interlocked.Read(ref bytesDone) + (currentFileBytes?.Invoke() ?? 0);

    internal void StartFile(string name, Func<long> bytesRead)
    {
        CurrentFile = name;
        currentFileBytes = bytesRead;
    }

    internal void FinishFile(long size)
    {
        currentFileBytes = null;
        Interlocked.Add(ref bytesDone, size);
    }

    internal void AddRows(long good, long bad)
    {
        Interlocked.Add(ref rows, good);
        Interlocked.Add(ref rejected, bad);
    }
}
