namespace Emporium.Ingest;

/// <summary>Counters of the ingest path since start-up, for /metrics.</summary>
public sealed class IngestStats
{
    private long _requests;
    private long _accepted;
    private long _rejected;
    private long _refused;

    public long Requests => Interlocked.Read(ref _requests);

    public long Accepted => Interlocked.Read(ref _accepted);

    public long Rejected => Interlocked.Read(ref _rejected);

    /// <summary>Requests refused for back-pressure (lag or full disk).</summary>
    public long Refused => Interlocked.Read(ref _refused);

    public void Record(IngestResult result)
    {
        Interlocked.Increment(ref _requests);
        Interlocked.Add(ref _accepted, result.Accepted);
        Interlocked.Add(ref _rejected, result.Rejected);
    }

    public void RecordRefused() => Interlocked.Increment(ref _refused);
}
