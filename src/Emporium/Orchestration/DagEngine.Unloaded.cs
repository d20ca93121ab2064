using Microsoft.Extensions.Logging;

namespace Emporium.Orchestration;

public sealed partial class DagEngine
{
    /// <summary>DAGs with active runs this process has no definition of, and DAGs whose definition is invalid. Their
    /// runs stay active (they resume when the definition is back) but take no slot: nothing of theirs is dispatched,
    /// and max_active_runs is a property of the definition they lack.</summary>
    public IReadOnlyList<UnloadedDag> Unloaded() => UnloadedDag.Find(Registry, Store);

    /// <summary>The loaded definition of <paramref name="dag"/>; for an unloaded one, a <see cref="DagNotFoundException"/>
    /// that says why and what its active runs are waiting for, instead of "no DAG named".</summary>
    private Dag Definition(string dag) =>
        Registry.TryGet(dag, out var definition) ? definition : throw NotLoaded(dag);

    private DagNotFoundException NotLoaded(string dag) =>
        Unloaded().FirstOrDefault(u => u.Name == dag) is { } unloaded
            ? new DagNotFoundException(dag, unloaded.Refusal())
            : new DagNotFoundException(dag, Registry.Dags.Select(d => d.Name));

    /// <summary>The key of the run <paramref name="date"/> names in <paramref name="dag"/>, loaded or not.</summary>
    public RunKey KeyFor(string dag, DateTime date) => KeyFor(dag, Registry.TryGet(dag, out var definition) ? definition : null, date);

    /// <summary>The run <paramref name="date"/> names. Without a definition the schedule is unknown, so a day names the
    /// run of the DAG on that day when there is exactly one (a <c>30 2 * * *</c> DAG's run is at 02:30).</summary>
    private RunKey KeyFor(string dag, Dag? definition, DateTime date)
    {
        if (definition is not null)
        {
            return Store.RunKeyFor(definition, date);
        }
        var exact = new RunKey(dag, DateTime.SpecifyKind(date, DateTimeKind.Utc));
        if (Store.GetRun(exact) is not null || date.TimeOfDay != TimeSpan.Zero)
        {
            return exact;
        }
        var sameDay = Store.RunsBetween(dag, date.Date, date.Date.AddDays(1));
        return sameDay.Count == 1 ? sameDay[0].Key : exact;
    }

    /// <summary>At start: say which active runs wait for a definition this process does not have.</summary>
    private void ReportUnloaded()
    {
        foreach (var unloaded in Unloaded().Where(u => u.ActiveRuns.Count > 0))
        {
            log.LogWarning("{Refusal}", unloaded.Refusal());
        }
    }
}
