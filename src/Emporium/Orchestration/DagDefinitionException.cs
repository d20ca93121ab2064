namespace Emporium.Orchestration;

/// <summary>A DAG definition is invalid (duplicate task, unknown upstream, cycle, bad schedule…).</summary>
public sealed class DagDefinitionException(string dag, string reason)
    : Exception($"DAG '{dag}': {reason}")
{
    public string Dag { get; } = dag;

    public string Reason { get; } = reason;
}
