namespace Emporium.Orchestration;

/// <summary>A DAG the metadata store knows but this process has no definition of: its definition no longer validates
/// (<see cref="Error"/>, from <see cref="DagRegistry.ErrorOf"/>), or it was removed (or its assembly failed to load:
/// <see cref="Error"/> is null, the registry's errors may say more). Its <see cref="ActiveRuns"/> wait for the
/// definition to come back; they can be listed and cancelled meanwhile.</summary>
public sealed record UnloadedDag(string Name, string? Error, IReadOnlyList<RunKey> ActiveRuns)
{
    /// <summary><c>broken</c> when the definition is there but invalid, <c>missing</c> when there is none.</summary>
    public string Status => Error is null ? "missing" : "broken";

    /// <summary>DAGs with active runs and no loaded definition, and DAGs whose definition is invalid, by name.</summary>
    public static IReadOnlyList<UnloadedDag> Find(DagRegistry registry, OrchestratorStore store)
    {
        var active = store.ActiveRuns().Where(r => !registry.TryGet(r.Dag, out _))
            .GroupBy(r => r.Dag, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => (IReadOnlyList<RunKey>)g.Select(r => r.Key).ToList(), StringComparer.Ordinal);
        return active.Keys.Union(registry.BrokenNames, StringComparer.Ordinal)
            .Order(StringComparer.Ordinal)
            .Select(name => new UnloadedDag(name, registry.ErrorOf(name), active.GetValueOrDefault(name) ?? []))
            .ToList();
    }

    /// <summary>Why a command cannot run this DAG, and what its active runs wait for.</summary>
    public string Refusal() =>
        (Error is null
            ? $"DAG '{Name}' has no loaded definition (it was removed, or its assembly failed to load: see the DAG errors)"
            : $"DAG '{Name}' is not loaded: its definition is invalid ({Error})")
        + (ActiveRuns.Count == 0
            ? "; fix the definition and restart"
            : $"; its active run{(ActiveRuns.Count == 1 ? "" : "s")} ({string.Join(", ", ActiveRuns.Select(k => k.DateText))}) " +
              $"{(ActiveRuns.Count == 1 ? "resumes" : "resume")} when the definition is back — restore it and restart, or cancel " +
              $"{(ActiveRuns.Count == 1 ? "it" : "them")} (`emporium dag cancel {Name} --all`)");
}
