using Microsoft.Extensions.Time.Testing;

namespace Emporium.Tests.Orchestration;

/// <summary>A fake clock that also tells when someone starts waiting on it, so a test advances time only after the
/// timer it means to fire exists (no sleeping, no racing the engine).</summary>
public sealed class TestClock(DateTimeOffset start) : FakeTimeProvider(start)
{
    private readonly object sync = new();
    private readonly List<DateTimeOffset> dueTimes = [];
    private TaskCompletionSource created = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = base.CreateTimer(callback, state, dueTime, period);
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
        return timer;
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
}
