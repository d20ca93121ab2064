using Microsoft.Extensions.Logging;

namespace Emporium.Orchestration;

public sealed partial class DagEngine
{
    /// <summary>Whether the scheduler leaves <paramref name="dag"/> alone: its recorded switch, or
    /// <see cref="OrchestratorOptions.DagsArePausedAtCreation"/> for a DAG no scheduler has seen yet.</summary>
    public bool IsPaused(string dag) => Store.GetDagState(dag)?.Paused ?? Options.DagsArePausedAtCreation;

    /// <summary>Pause or unpause <paramref name="dag"/>. Unpausing looks at its schedule at once: the latest ended
    /// interval becomes a run (every interval missed while paused, with catchup), and scheduled runs left queued start.</summary>
    public DagStateInfo SetPaused(string dag, bool paused)
    {
        Definition(dag);
        DagStateInfo state;
        lock (gate)
        {
            state = Store.SetPaused(dag, paused, Now);
            nextScheduleCheck.Remove(dag);
        }
        log.LogInformation("DAG {Dag} {State}", dag, paused ? "paused" : "unpaused");
        Wake();
        return state;
    }

    /// <summary>Records the switch of DAGs this scheduler is the first to see, so a later change of the default does not
    /// flip them. A DAG with scheduled runs from before the switch existed stays scheduled.</summary>
    private void RecordFirstSeen()
    {
        foreach (var dag in Registry.Dags.Where(d => Store.GetDagState(d.Name) is null))
        {
            var paused = Options.DagsArePausedAtCreation && Store.LatestScheduledRun(dag.Name) is null;
            Store.Save(new DagStateInfo(dag.Name, paused, Now));
            if (paused)
            {
                log.LogInformation("DAG {Dag} is new and starts paused; `emporium dag unpause {Dag}` schedules it", dag.Name, dag.Name);
            }
        }
    }
}
