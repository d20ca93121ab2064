namespace Emporium.Orchestration;

/// <summary>Indexes over the runs, kept as runs are saved (and replayed), so that what the API, the dashboard and the
/// scheduler ask of a DAG's history reads the runs it answers with, not every run: a DAG scheduled every minute has
/// half a million runs within a year.</summary>
public sealed partial class OrchestratorStore
{
    private readonly Dictionary<string, RunTally> tallies = new(StringComparer.Ordinal);
    private readonly HashSet<RunKey> activeRuns = [];
    private long runsRead;

    /// <summary>Test seam: how many runs the store's queries have read, to show a query reads a bounded number.</summary>
    internal long RunsRead => Interlocked.Read(ref runsRead);

    /// <summary>The latest run, last start and counts by state of one DAG's runs, without reading them.</summary>
    public DagRunSummary RunSummary(string dag)
    {
        lock (sync)
        {
            if (!tallies.TryGetValue(dag, out var tally) || tally.Dates.Count == 0)
            {
                return DagRunSummary.Empty;
            }
            var byState = Enum.GetValues<RunState>().ToDictionary(s => s, s => tally.ByState[(int)s]);
            return new DagRunSummary(Read(new RunKey(dag, tally.Dates[^1])), tally.LastStartedAt, byState.Values.Sum(), byState);
        }
    }

    /// <summary>Whether the store has any run of <paramref name="dag"/>.</summary>
    public bool HasRuns(string dag)
    {
        lock (sync)
        {
            return tallies.TryGetValue(dag, out var tally) && tally.Dates.Count > 0;
        }
    }

    /// <summary>A page of a DAG's runs, newest logical date first, after skipping the <paramref name="offset"/> newest.</summary>
    public IReadOnlyList<DagRunInfo> RunsNewestFirst(string dag, long offset, int limit)
    {
        lock (sync)
        {
            return tallies.TryGetValue(dag, out var tally)
                ? Enumerable.Range(0, (int)Math.Max(0, Math.Min(limit, tally.Dates.Count - offset))).Select(i => Read(new RunKey(dag, tally.Dates[tally.Dates.Count - 1 - (int)offset - i]))).ToList()
                : [];
        }
    }

    /// <summary>The run of <paramref name="dag"/> with the latest logical date before <paramref name="logicalDate"/>.</summary>
    public DagRunInfo? RunBefore(string dag, DateTime logicalDate)
    {
        lock (sync)
        {
            if (!tallies.TryGetValue(dag, out var tally))
            {
                return null;
            }
            var before = IndexOf(tally.Dates, logicalDate) - 1;
            return before < 0 ? null : Read(new RunKey(dag, tally.Dates[before]));
        }
    }

    /// <summary>Runs of <paramref name="dag"/> with a logical date in [<paramref name="from"/>, <paramref name="to"/>), oldest first.</summary>
    public IReadOnlyList<DagRunInfo> RunsBetween(string dag, DateTime from, DateTime to)
    {
        lock (sync)
        {
            if (!tallies.TryGetValue(dag, out var tally) || to <= from)
            {
                return [];
            }
            var first = IndexOf(tally.Dates, from);
            return tally.Dates.Skip(first).Take(IndexOf(tally.Dates, to) - first).Select(d => Read(new RunKey(dag, d))).ToList();
        }
    }

    /// <summary>The scheduler's latest run of <paramref name="dag"/> (type <see cref="RunTypes.Scheduled"/>), if any.</summary>
    public DagRunInfo? LatestScheduledRun(string dag)
    {
        lock (sync)
        {
            return tallies.TryGetValue(dag, out var tally) && tally.ScheduledDates.Count > 0 ? Read(new RunKey(dag, tally.ScheduledDates[^1])) : null;
        }
    }

    /// <summary>Queued and running runs (of <paramref name="dag"/>, or of every DAG when null), by DAG and logical date.</summary>
    public IReadOnlyList<DagRunInfo> ActiveRuns(string? dag = null)
    {
        lock (sync)
        {
            return activeRuns.Where(k => dag is null || k.Dag == dag).Select(Read)
                .OrderBy(r => r.Dag, StringComparer.Ordinal).ThenBy(r => r.LogicalDate).ToList();
        }
    }

    /// <summary>Runs of a DAG by logical date (oldest first); all runs when <paramref name="dag"/> is null. Reads every one
    /// of them: for a bounded read, the queries above.</summary>
    public IReadOnlyList<DagRunInfo> Runs(string? dag = null)
    {
        lock (sync)
        {
            return tallies.Where(t => dag is null || t.Key == dag).OrderBy(t => t.Key, StringComparer.Ordinal)
                .SelectMany(t => t.Value.Dates.Select(d => Read(new RunKey(t.Key, d)))).ToList();
        }
    }

    private DagRunInfo Read(RunKey key)
    {
        Interlocked.Increment(ref runsRead);
        return runs[key];
    }

    /// <summary>Records <paramref name="run"/> (new or a new state of a known one) and keeps its DAG's tally and the
    /// indexes: the one place <c>runs</c> is written, by a save and by the replay alike.</summary>
    private void SetRun(DagRunInfo run)
    {
        if (!tallies.TryGetValue(run.Dag, out var tally))
        {
            tallies[run.Dag] = tally = new RunTally();
        }
        if (runs.TryGetValue(run.Key, out var old))
        {
            tally.ByState[(int)old.State]--;
        }
        tally.ByState[(int)run.State]++;
        Index(tally.Dates, run.LogicalDate, present: true);
        // Triggered again by hand, a scheduled day's run becomes a manual one.
        Index(tally.ScheduledDates, run.LogicalDate, present: run.RunType == RunTypes.Scheduled);
        if (run.StartedAt > (tally.LastStartedAt ?? DateTime.MinValue))
        {
            tally.LastStartedAt = run.StartedAt;
        }
        if (run.State.IsTerminal())
        {
            activeRuns.Remove(run.Key);
        }
        else
        {
            activeRuns.Add(run.Key);
        }
        runs[run.Key] = run;
    }

    /// <summary>Where <paramref name="date"/> is in the sorted <paramref name="dates"/>, or would go: the count of dates
    /// before it.</summary>
    private static int IndexOf(List<DateTime> dates, DateTime date) => dates.BinarySearch(date) is var i && i >= 0 ? i : ~i;

    private static void Index(List<DateTime> dates, DateTime date, bool present)
    {
        var i = dates.BinarySearch(date);
        if (present && i < 0)
        {
            // At the end for the scheduler's next run; a backfill's old day moves the later ones, a memory move.
            dates.Insert(~i, date);
        }
        else if (!present && i >= 0)
        {
            dates.RemoveAt(i);
        }
    }

    private sealed class RunTally
    {
        /// <summary>Logical dates of the DAG's runs, sorted.</summary>
        public readonly List<DateTime> Dates = [];
        /// <summary>Logical dates of its runs of type <see cref="RunTypes.Scheduled"/>, sorted.</summary>
        public readonly List<DateTime> ScheduledDates = [];
        public DateTime? LastStartedAt;
        public readonly int[] ByState = new int[Enum.GetValues<RunState>().Length];
    }
}
