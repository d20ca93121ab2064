namespace Emporium.Log.Embedded;

/// <summary>The queue between appending callers and a partition's writer thread. A caller that finds the writer
/// asleep wakes it itself: a channel completes its waiter through the thread pool, and under load that pool's queue
/// added its own wait in front of every fsync.</summary>
internal sealed class AppendQueue
{
    // A plain object, not a Lock: the writer sleeps on it with Monitor.Wait.
    private readonly object _gate = new();
    private readonly Queue<AppendRequest> _items = new();
    private bool _completed;
    private bool _writerAsleep;

    /// <summary>Queues a request; false once <see cref="Complete"/> was called.</summary>
    public bool TryEnqueue(AppendRequest request)
    {
        lock (_gate)
        {
            if (_completed)
            {
                return false;
            }

            _items.Enqueue(request);
            if (_writerAsleep)
            {
                Monitor.Pulse(_gate);
            }

            return true;
        }
    }

    /// <summary>Refuses further requests; the writer still drains what is queued.</summary>
    public void Complete()
    {
        lock (_gate)
        {
            _completed = true;
            Monitor.PulseAll(_gate);
        }
    }

    /// <summary>Blocks the writer until a request is queued; false once the queue is completed and empty.</summary>
    public bool WaitForAny()
    {
        lock (_gate)
        {
            while (_items.Count == 0)
            {
                if (_completed)
                {
                    return false;
                }

                Sleep(Timeout.InfiniteTimeSpan);
            }

            return true;
        }
    }

    /// <summary>Moves queued requests into <paramref name="batch"/> while it holds fewer than
    /// <paramref name="maxBytes"/>; returns the batch's bytes.</summary>
    public long Drain(List<AppendRequest> batch, long bytes, long maxBytes)
    {
        lock (_gate)
        {
            while (bytes < maxBytes && _items.TryDequeue(out var request))
            {
                batch.Add(request);
                bytes += request.Bytes;
            }

            return bytes;
        }
    }

    /// <summary>Waits up to <paramref name="timeout"/> for a request; false when none came or the queue is completed.</summary>
    public bool WaitForMore(TimeSpan timeout)
    {
        lock (_gate)
        {
            if (_items.Count == 0 && !_completed)
            {
                Sleep(timeout);
            }

            return _items.Count > 0;
        }
    }

    private void Sleep(TimeSpan timeout)
    {
        _writerAsleep = true;
        try
        {
            Monitor.Wait(_gate, timeout);
        }
        finally
        {
            _writerAsleep = false;
        }
    }
}
