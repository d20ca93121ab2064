namespace Emporium.Orchestration;

/// <summary>A task within a run, as persisted in the metadata store.</summary>
/// <param name="TryNumber">Number of the latest try (0 before the first).</param>
/// <param name="Failures">Failed tries counted against the retry budget since the last clear (interrupted tries do
/// not count: a crash of the process is not the task's failure).</param>
/// <param name="NextTryAt">When the next try starts, while <see cref="TaskState.UpForRetry"/>.</param>
public sealed record TaskInstanceInfo(
    string Dag,
    DateTime LogicalDate,
    string Task,
    TaskState State,
    int TryNumber,
    int Failures,
    DateTime? StartedAt,
    DateTime? EndedAt,
    DateTime? NextTryAt,
    string? Error)
{
    /// <summary>Tries in a row the process stopped during (since the last try that ended, or the last clear); at
    /// <see cref="OrchestratorOptions.MaxTaskInterruptions"/> the task fails instead of being tried again.</summary>
    public int Interruptions { get; init; }

    [System.Text.Json.Serialization.JsonIgnore]
    public RunKey Run => new(Dag, LogicalDate);

    public static TaskInstanceInfo Fresh(RunKey run, string task) => new(run.Dag, run.LogicalDate, task, TaskState.None, 0, 0, null, null, null, null);
}
