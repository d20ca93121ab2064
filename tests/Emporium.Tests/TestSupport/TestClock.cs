using Microsoft.Extensions.Time.Testing;

namespace Emporium.Tests.TestSupport;

/// <summary>A fake clock that also tells when someone starts waiting on it, so a test advances time only after the
/// timer it means to fire exists (no sleeping, no racing the engine).</summary>
public sealed class TestClock(DateTimeOffset start) : FakeTimeProvider(start)
{
    private readonly object sync = new();
    private readonly List<DateTimeOffset> dueTimes = [];
    private TaskCompletionSource created = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = new ObservedTimer(this, base.CreateTimer(callback, state, dueTime, period));
        Armed(dueTime);
        return timer;
    }

    private void Armed(TimeSpan dueTime)
    {
        lock (sync)
        {
            if (dueTime != Timeout.InfiniteTimeSpan)
            {
                dueTimes.Add(GetUtcNow() + dueTime);
            }
            var previous = created;
            created = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            previous.TrySetResult();
        }
    }

    /// <summary>Completes once a timer due exactly at <paramref name="due"/> has been created.</summary>
    public async Task WaitForTimerAsync(DateTimeOffset due, CancellationToken cancellationToken)
    {
        while (true)
        {
            Task next;
            lock (sync)
            {
                if (dueTimes.Contains(due))
                {
                    return;
                }
                next = created.Task;
            }
            await next.WaitAsync(cancellationToken);
        }
    }

    /// <summary>Forget the timers seen so far, so <see cref="WaitForTimerAsync"/> waits for one created after this call
    /// (e.g. by an engine started after a restart, for a due time a stopped engine had armed too).</summary>
    public void ForgetTimers()
    {
        lock (sync)
        {
            dueTimes.Clear();
        }
    }

    /// <summary>Timers armed later with <see cref="ITimer.Change"/> (a CancellationTokenSource's CancelAfter) count too.</summary>
    private sealed class ObservedTimer(TestClock clock, ITimer inner) : ITimer
    {
        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            var changed = inner.Change(dueTime, period);
            clock.Armed(dueTime);
            return changed;
        }

        public void Dispose() => inner.Dispose();

        public ValueTask DisposeAsync() => inner.DisposeAsync();
    }
}
