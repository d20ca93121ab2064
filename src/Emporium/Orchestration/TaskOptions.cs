namespace Emporium.Orchestration;

/// <summary>Per-task settings, configured inside <c>Dag.Task(name, action, t => t…)</c>.</summary>
public sealed class TaskOptions
{
    private readonly DagTask task;

    internal TaskOptions(DagTask task) => this.task = task;

    /// <summary>Retry a failed try up to <paramref name="retries"/> times, waiting <paramref name="delay"/> (default 5 min) first.</summary>
    public TaskOptions Retries(int retries, TimeSpan? delay = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(retries);
        task.Retry = task.Retry with { Retries = retries, Delay = delay ?? task.Retry.Delay };
        return this;
    }

    /// <summary>Double the retry delay on each retry, capped by <paramref name="maxDelay"/> when given.</summary>
    public TaskOptions ExponentialBackoff(TimeSpan? maxDelay = null)
    {
        task.Retry = task.Retry with { Exponential = true, MaxDelay = maxDelay };
        return this;
    }

    /// <summary>Fail a try that runs longer than <paramref name="timeout"/> (then retried like any failure).</summary>
    public TaskOptions Timeout(TimeSpan timeout)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(timeout, TimeSpan.Zero);
        task.Timeout = timeout;
        return this;
    }

    /// <summary>Run only after these tasks of the same run succeeded.</summary>
    public TaskOptions DependsOn(params string[] upstream)
    {
        foreach (var name in upstream)
        {
            if (!task.upstream.Contains(name))
            {
                task.upstream.Add(name);
            }
        }
        return this;
    }

    /// <summary>Override the DAG's depends_on_past for this task.</summary>
    public TaskOptions DependsOnPast(bool value = true)
    {
        task.DependsOnPast = value;
        return this;
    }
}
