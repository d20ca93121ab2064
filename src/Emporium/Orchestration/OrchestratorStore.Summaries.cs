namespace Emporium.Orchestration;

public sealed partial class OrchestratorStore
{
    private readonly Dictionary<string, RunTally> tallies = new(StringComparer.Ordinal);

    /// <summary>The latest run, last start and counts by state of one DAG's runs, without reading them.</summary>
    public DagRunSummary RunSummary(string dag)
    {
        lock (sync)
        {
            if (!tallies.TryGetValue(dag, out var tally))
            {
                return DagRunSummary.Empty;
            }
            var byState = Enum.GetValues<RunState>().ToDictionary(s => s, s => tally.ByState[(int)s]);
            return new DagRunSummary(runs.GetValueOrDefault(new RunKey(dag, tally.LatestDate)), tally.LastStartedAt, byState.Values.Sum(), byState);
        }
    }

    /// <summary>Records <paramref name="run"/> (new or a new state of a known one) and keeps its DAG's tally: the one
    /// place <c>runs</c> is written, by a save and by the replay alike.</summary>
    private void SetRun(DagRunInfo run)
    {
        if (!tallies.TryGetValue(run.Dag, out var tally))
        {
            tallies[run.Dag] = tally = new RunTally { LatestDate = run.LogicalDate };
        }
        if (runs.TryGetValue(run.Key, out var old))
        {
            tally.ByState[(int)old.State]--;
        }
        tally.ByState[(int)run.State]++;
        if (run.LogicalDate > tally.LatestDate)
        {
            tally.LatestDate = run.LogicalDate;
        }
        if (run.StartedAt > (tally.LastStartedAt ?? DateTime.MinValue))
        {
            tally.LastStartedAt = run.StartedAt;
        }
        runs[run.Key] = run;
    }

    private sealed class RunTally
    {
        public DateTime LatestDate;
        public DateTime? LastStartedAt;
        public readonly int[] ByState = new int[Enum.GetValues<RunState>().Length];
    }
}
