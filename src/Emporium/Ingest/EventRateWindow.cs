namespace Emporium.Ingest;

/// <summary>Events per second over the last <c>window</c> whole seconds, from one-second buckets in a ring: what a
/// dashboard or a Prometheus gauge shows as "ingest rate" without having to difference a counter itself.
/// The current (partial) second is left out so the rate does not sag at the start of every second.</summary>
public sealed class EventRateWindow
{
    private readonly TimeProvider _time;
    private readonly long[] _seconds;
    private readonly long[] _counts;
    private readonly Lock _gate = new();

    public EventRateWindow(TimeSpan window, TimeProvider time)
    {
        var seconds = (int)Math.Ceiling(window.TotalSeconds);
        ArgumentOutOfRangeException.ThrowIfLessThan(seconds, 1, nameof(window));
        _time = time;
        // One bucket more than the window: the second in progress is not part of the rate.
        _seconds = new long[seconds + 1];
        _counts = new long[seconds + 1];
        Array.Fill(_seconds, long.MinValue);
    }

    /// <summary>Length of the window in seconds.</summary>
    public int WindowSeconds => _seconds.Length - 1;

    public void Add(long events)
    {
        if (events <= 0)
        {
            return;
        }
        var now = _time.GetUtcNow().ToUnixTimeSeconds();
        var slot = (int)(now % _seconds.Length);
        lock (_gate)
        {
            if (_seconds[slot] != now)
            {
                _seconds[slot] = now;
                _counts[slot] = 0;
            }
            _counts[slot] += events;
        }
    }

    /// <summary>Mean events per second over the last <see cref="WindowSeconds"/> completed seconds.</summary>
    public double PerSecond()
    {
        var now = _time.GetUtcNow().ToUnixTimeSeconds();
        long total = 0;
        lock (_gate)
        {
            for (var i = 0; i < _seconds.Length; i++)
            {
                var age = now - _seconds[i];
                if (age >= 1 && age <= WindowSeconds)
                {
                    total += _counts[i];
                }
            }
        }
        return (double)total / WindowSeconds;
    }
}
