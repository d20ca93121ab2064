namespace Emporium.Orchestration;

/// <summary>Engine settings.</summary>
public sealed record OrchestratorOptions
{
    /// <summary>Tries executing at once across all DAGs (sensors included). Default 8.</summary>
    public int Parallelism { get; init; } = 8;

    /// <summary>Create runs from DAG schedules (false in a one-off CLI process that only executes the runs it was asked
    /// for). Default true.</summary>
    public bool Scheduling { get; init; } = true;

    /// <summary>Only execute runs triggered, backfilled or cleared through this engine (an active run left by a stopped
    /// process is adopted when it is triggered again). Used by <c>emporium dag run</c> without a server so a one-off
    /// process does not pick up unrelated work. Default false.</summary>
    public bool OnlyOwnRuns { get; init; }
}
