namespace Emporium.Orchestration;

/// <summary>One task of a DAG, as defined by the builder.</summary>
public sealed class DagTask
{
    internal DagTask(string name, TaskKind kind, Func<TaskContext, Task<bool>> action)
    {
        Name = name;
        Kind = kind;
        Action = action;
    }

    public string Name { get; }

    public TaskKind Kind { get; }

    /// <summary>The work. For a plain task the result is ignored; for a sensor it is the poked condition.</summary>
    public Func<TaskContext, Task<bool>> Action { get; }

    public IReadOnlyList<string> Upstream => upstream;

    public RetryPolicy Retry { get; internal set; } = RetryPolicy.None;

    /// <summary>Limit of one try (a plain task) — exceeding it fails the try, which may be retried. Null: no limit.</summary>
    public TimeSpan? Timeout { get; internal set; }

    /// <summary>Sensor: interval between pokes.</summary>
    public TimeSpan PokeInterval { get; internal set; }

    /// <summary>Sensor: total time to wait for the condition before the task fails.</summary>
    public TimeSpan SensorTimeout { get; internal set; }

    /// <summary>Task-level override of the DAG's depends_on_past. Null: inherit.</summary>
    public bool? DependsOnPast { get; internal set; }

    internal readonly List<string> upstream = [];
}
