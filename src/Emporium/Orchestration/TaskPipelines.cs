using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace Emporium.Orchestration;

/// <summary>Polly pipelines for tries: retries (with the task's delay/backoff, computed from the failures so far so a
/// resumed task keeps its backoff), a per-try timeout, and a sensor's poke loop — all on the engine's TimeProvider.</summary>
internal static class TaskPipelines
{
    private static readonly TimeSpan MinTimeout = TimeSpan.FromMilliseconds(10);
    /// <summary>Polly's bound on a timeout and on a retry delay: longer ones are refused when the DAG is defined, so no
    /// limit is cut short here in silence.</summary>
    internal static readonly TimeSpan MaxTimeout = TimeSpan.FromDays(1);

    /// <summary>A task's retries, around its tries: a try takes its Parallelism slot inside (see the engine), so a task
    /// waiting out a retry delay holds none.</summary>
    /// <param name="failuresSoFar">Read when a retry is scheduled: failures counted since the last clear.</param>
    public static ResiliencePipeline ForRetries(DagTask task, int remainingRetries, Func<int> failuresSoFar, TimeProvider time)
    {
        var builder = new ResiliencePipelineBuilder { TimeProvider = time, Name = task.Name };
        if (remainingRetries > 0)
        {
            builder.AddRetry(new RetryStrategyOptions
            {
                MaxRetryAttempts = remainingRetries,
                ShouldHandle = new PredicateBuilder().Handle<Exception>(ex => !IsFinal(ex)),
                BackoffType = DelayBackoffType.Constant,
                UseJitter = false,
                DelayGenerator = _ => ValueTask.FromResult<TimeSpan?>(Clamp(task.Retry.DelayBefore(failuresSoFar()), TimeSpan.Zero)),
            });
        }
        return builder.Build();
    }

    /// <summary>One try of a task: its <see cref="DagTask.Timeout"/>, counted from the try's start (not from when it
    /// waited for a slot).</summary>
    public static ResiliencePipeline ForTry(DagTask task, TimeProvider time)
    {
        var builder = new ResiliencePipelineBuilder { TimeProvider = time, Name = task.Name };
        if (task.Kind == TaskKind.Task && task.Timeout is { } timeout)
        {
            builder.AddTimeout(Clamp(timeout, MinTimeout));
        }
        return builder.Build();
    }

    /// <summary>Failures a retry cannot mend: a sensor's timeout (waiting was its retry), a missing or malformed
    /// parameter, a run cancelled by hand, and a try abandoned still running (a retry would run beside it).</summary>
    public static bool IsFinal(Exception ex) => ex is SensorTimeoutException or DagParameterException or RunCancelledException or TryAbandonedException;

    /// <summary>Pokes until the condition holds; a <see cref="TimeoutRejectedException"/> after the sensor timeout.</summary>
    public static ResiliencePipeline<bool> ForSensor(DagTask task, TimeProvider time) =>
        new ResiliencePipelineBuilder<bool> { TimeProvider = time, Name = task.Name }
            .AddTimeout(Clamp(task.SensorTimeout, MinTimeout))
            .AddRetry(new RetryStrategyOptions<bool>
            {
                MaxRetryAttempts = int.MaxValue,
                ShouldHandle = args => ValueTask.FromResult(args.Outcome is { Exception: null, Result: false }),
                BackoffType = DelayBackoffType.Constant,
                UseJitter = false,
                Delay = Clamp(task.PokeInterval, TimeSpan.Zero),
            })
            .Build();

    /// <summary>A wait the timers accept (at most a day, as the retry pipeline's own delays).</summary>
    public static TimeSpan ClampDelay(TimeSpan value) => Clamp(value, TimeSpan.Zero);

    private static TimeSpan Clamp(TimeSpan value, TimeSpan min) => value < min ? min : value > MaxTimeout ? MaxTimeout : value;
}
