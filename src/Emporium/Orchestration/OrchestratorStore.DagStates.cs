namespace Emporium.Orchestration;

public sealed partial class OrchestratorStore
{
    public void Save(DagStateInfo state)
    {
        lock (sync)
        {
            Append(new JournalLine { DagState = state });
            dagStates[state.Dag] = state;
        }
    }

    /// <summary>Sets the DAG's pause switch; a no-op (no journal line) when it already has that value.</summary>
    public DagStateInfo SetPaused(string dag, bool paused, DateTime now)
    {
        lock (sync)
        {
            if (dagStates.GetValueOrDefault(dag) is { } current && current.Paused == paused)
            {
                return current;
            }
            var state = new DagStateInfo(dag, paused, now);
            Save(state);
            return state;
        }
    }

    /// <summary>The DAG's recorded pause switch; null when no scheduler has seen the DAG yet.</summary>
    public DagStateInfo? GetDagState(string dag)
    {
        lock (sync)
        {
            return dagStates.GetValueOrDefault(dag);
        }
    }
}
