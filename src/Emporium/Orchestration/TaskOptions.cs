namespace Emporium.Orchestration;

/// <summary>Per-task settings, configured inside <c>Dag.Task(name, action, t => t…)</c>.</summary>
public sealed class TaskOptions
{
    private readonly DagTask task;

    internal TaskOptions(DagTask task) => this.task = task;

    /// <summary>Retry a failed try up to <paramref name="retries"/> times, waiting <paramref name="delay"/> (default 5 min) first.</summary>
    public TaskOptions Retries(int retries, TimeSpan? delay = null)
    {
        if (retries < 0)
        {
            throw new ArgumentException($"retries must be 0 or more, got {retries}");
        }
        if (delay < TimeSpan.Zero)
        {
            throw new ArgumentException($"the retry delay must not be negative, got {delay}");
        }
        if (delay > RetryPolicy.MaxRetryDelay)
        {
            throw new ArgumentException($"the retry delay must be at most {RetryPolicy.MaxRetryDelay}, got {delay}");
        }
        task.Retry = task.Retry with { Retries = retries, Delay = delay ?? task.Retry.Delay };
        return this;
    }

    /// <summary>Double the retry delay on each retry, capped by <paramref name="maxDelay"/> when given.</summary>
    public TaskOptions ExponentialBackoff(TimeSpan? maxDelay = null)
    {
        if (maxDelay < TimeSpan.Zero)
        {
            throw new ArgumentException($"the maximum retry delay must not be negative, got {maxDelay}");
        }
        if (maxDelay > RetryPolicy.MaxRetryDelay)
        {
            throw new ArgumentException($"the maximum retry delay must be at most {RetryPolicy.MaxRetryDelay}, got {maxDelay}");
        }
        task.Retry = task.Retry with { Exponential = true, MaxDelay = maxDelay };
        return this;
    }

    /// <summary>Fail a try that runs longer than <paramref name="timeout"/> (then retried like any failure).</summary>
    public TaskOptions Timeout(TimeSpan timeout)
    {
        if (timeout <= TimeSpan.Zero)
        {
            throw new ArgumentException($"the timeout must be positive, got {timeout}");
        }
        if (timeout > TaskPipelines.MaxTimeout)
        {
            throw new ArgumentException($"the timeout must be at most {TaskPipelines.MaxTimeout}, got {timeout}");
        }
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
