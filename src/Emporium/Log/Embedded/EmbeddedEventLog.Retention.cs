namespace Emporium.Log.Embedded;

/// <summary>Retention: whole sealed segments are deleted when they are older than <see cref="LogRetentionOptions.MaxAge"/>
/// or the partition exceeds <see cref="LogRetentionOptions.MaxBytesPerPartition"/> — and only when every group
/// registered for the topic has processed past the segment's last record.</summary>
public sealed partial class EmbeddedEventLog
{
    private ITimer? _retentionTimer;
    private int _retentionRunning;

    /// <summary>Error of the last background retention sweep, null when it succeeded.</summary>
    public Exception? LastRetentionError { get; private set; }

    /// <summary>Runs one retention sweep now; returns the number of segments deleted.</summary>
    public ValueTask<int> ApplyRetentionAsync(CancellationToken ct)
    {
        ThrowIfDisposed();
        var retention = _options.Retention;
        var before = Stats.SegmentsDeleted;
        var nowMs = _time.GetUtcNow().ToUnixTimeMilliseconds();
        foreach (var topic in _topics.Values)
        {
            foreach (var partition in topic.Partitions)
            {
                ct.ThrowIfCancellationRequested();
                var processed = _groups.MinProcessed(partition.Id);
                if (processed is null && retention.RequireRegisteredGroup)
                {
                    continue;
                }

                var safeEnd = processed ?? long.MaxValue;
                partition.DeleteOldSegments((segment, partitionBytes) =>
                    segment.NextOffset <= safeEnd
                    && (IsExpired(segment, retention, nowMs) || partitionBytes > retention.MaxBytesPerPartition));
            }
        }

        return ValueTask.FromResult((int)(Stats.SegmentsDeleted - before));
    }

    private static bool IsExpired(Segment segment, LogRetentionOptions retention, long nowMs) =>
        retention.MaxAge is { } maxAge && segment.MaxTimestampMs < nowMs - (long)maxAge.TotalMilliseconds;

    private void StartRetentionTimer()
    {
        if (_options.Retention.CheckInterval is not { } interval || (_options.Retention.MaxAge is null && _options.Retention.MaxBytesPerPartition is null))
        {
            return;
        }

        _retentionTimer = _time.CreateTimer(_ => SweepInBackground(), null, interval, interval);
    }

    private void SweepInBackground()
    {
        if (Volatile.Read(ref _disposed) != 0 || Interlocked.Exchange(ref _retentionRunning, 1) != 0)
        {
            return;
        }

        try
        {
            _ = ApplyRetentionAsync(CancellationToken.None).AsTask().GetAwaiter().GetResult();
            LastRetentionError = null;
        }
        catch (Exception ex) when (ex is not ObjectDisposedException)
        {
            // The sweep retries at the next tick; the error is kept for /health rather than crashing the host.
            LastRetentionError = ex;
        }
        catch (ObjectDisposedException)
        {
            // Closed during the sweep.
        }
        finally
        {
            Volatile.Write(ref _retentionRunning, 0);
        }
    }
}
