using Emporium.Configuration;
namespace Emporium.Orchestration;

/// <summary>Engine settings.</summary>
public sealed record OrchestratorOptions
{
    /// <summary>Tries executing at once across all DAGs (sensors included). Default 8.</summary>
    [SettingRange("1")]
    public int Parallelism { get; init; } = 8;

    /// <summary>Create runs from DAG schedules (false in a one-off CLI process that only executes the runs it was asked
    /// for). Default true.</summary>
    public bool Scheduling { get; init; } = true;

    /// <summary>Whether a DAG the scheduler sees for the first time starts paused (Airflow's
    /// <c>dags_are_paused_at_creation</c>), so a fresh data dir schedules nothing until <c>emporium dag unpause NAME</c>.
    /// The state is recorded then and kept: changing this later does not flip DAGs already seen. A DAG that already has
    /// scheduled runs is recorded unpaused (it was being scheduled before the switch existed). Default true.</summary>
    public bool DagsArePausedAtCreation { get; init; } = true;

    /// <summary>Only execute runs triggered, backfilled or cleared through this engine (an active run left by a stopped
    /// process is adopted when it is triggered again). Used by <c>emporium dag run</c> without a server so a one-off
    /// process does not pick up unrelated work. Default false.</summary>
    public bool OnlyOwnRuns { get; init; }

    /// <summary>Most runs one backfill may create. A range typed wrong (<c>--from 1900-01-01</c>) would otherwise queue
    /// tens of thousands of runs at once, which nothing can cancel but clearing them one by one. Default 5,000 (13 years
    /// of a daily DAG); a larger range is split into several backfills.</summary>
    [SettingRange("1")]
    public int MaxBackfillRuns { get; init; } = 5_000;

    /// <summary>Interruptions in a row (the process stopped during the try) after which a task fails instead of being tried
    /// again at the next start. An interruption spends no retry, so a task that takes the process down (out of memory
    /// on a huge partition) would otherwise take every new server down with it, for ever. Default 3.</summary>
    [SettingRange("1")]
    public int MaxTaskInterruptions { get; init; } = 3;

    /// <summary>How long a try that timed out (a task's or a sensor's timeout) or was cancelled by hand is given to return
    /// once its token is cancelled. Its retry, its downstream and its leaving <c>running</c> wait for it to return, so
    /// two tries of one task never run at once. A try still running after this is abandoned: it fails without retry, its error saying it ignored its
    /// cancellation, and a clear of the task starts the next try only once the abandoned one has returned. Measured on
    /// the engine's clock. Default 60 s (Airflow's <c>killed_task_cleanup_time</c>).</summary>
    [SettingRange("00:00:00", Maximum = "1.00:00:00")]
    public TimeSpan TimeoutGracePeriod { get; init; } = TimeSpan.FromSeconds(60);
}
