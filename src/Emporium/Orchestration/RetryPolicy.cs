namespace Emporium.Orchestration;

/// <summary>How a failed try is retried.</summary>
/// <param name="Retries">Retries after the first try. Default 0 (one try).</param>
/// <param name="Delay">Wait before the first retry. Default 5 minutes (as Airflow).</param>
/// <param name="Exponential">Double the delay on each further retry. Default false.</param>
/// <param name="MaxDelay">Upper bound of an exponential delay. Default none.</param>
public sealed record RetryPolicy(int Retries = 0, TimeSpan? Delay = null, bool Exponential = false, TimeSpan? MaxDelay = null)
{
    public static RetryPolicy None { get; } = new();

    /// <summary>Longest wait before a retry: what the engine's timers wait at most (an exponential delay stops growing
    /// there, and a longer fixed delay is refused when the DAG is defined).</summary>
    public static TimeSpan MaxRetryDelay => TaskPipelines.MaxTimeout;

    public TimeSpan RetryDelay => Delay ?? TimeSpan.FromMinutes(5);

    /// <summary>Delay before retry number <paramref name="retry"/> (1-based), as the engine's Polly pipeline computes it.</summary>
    public TimeSpan DelayBefore(int retry)
    {
        if (!Exponential)
        {
            return RetryDelay > MaxRetryDelay ? MaxRetryDelay : RetryDelay;
        }
        var ticks = RetryDelay.Ticks * Math.Pow(2, retry - 1);
        var delay = ticks >= MaxRetryDelay.Ticks ? MaxRetryDelay : TimeSpan.FromTicks((long)ticks);
        return MaxDelay is { } max && delay > max ? max : delay;
    }
}
