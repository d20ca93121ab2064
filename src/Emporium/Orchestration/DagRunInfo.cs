namespace Emporium.Orchestration;

/// <summary>A DAG run as persisted in the metadata store.</summary>
/// <param name="RunType"><c>scheduled</c>, <c>manual</c> or <c>backfill</c>.</param>
/// <param name="Params">The run's own parameters (overrides only; defaults and configuration are resolved when a task
/// starts, so secrets from configuration are never written to the store).</param>
/// <param name="Attempt">1, then +1 each time the run is re-triggered or cleared.</param>
public sealed record DagRunInfo(
    string Dag,
    DateTime LogicalDate,
    string RunId,
    string RunType,
    RunState State,
    IReadOnlyDictionary<string, string?> Params,
    DateTime QueuedAt,
    DateTime? StartedAt,
    DateTime? EndedAt,
    int Attempt)
{
    [System.Text.Json.Serialization.JsonIgnore]
    public RunKey Key => new(Dag, LogicalDate);
}
