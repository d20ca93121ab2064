using Emporium.Configuration;
using Emporium.Orchestration;

namespace Emporium.Cli.Web;

/// <summary>The JSON shapes of the DAG API (also what the CLI prints with --format json).</summary>
public static class DagViews
{
    /// <param name="pausedByDefault">The switch of a DAG no scheduler has recorded yet
    /// (<see cref="OrchestratorOptions.DagsArePausedAtCreation"/>).</param>
    public static object Dag(Dag dag, OrchestratorStore store, bool pausedByDefault)
    {
        // The store's tally, not the runs: a list of DAGs that ran daily for years would read every run to show one.
        var summary = store.RunSummary(dag.Name);
        var last = summary.Latest;
        return new
        {
            name = dag.Name,
            description = dag.Description,
            paused = store.GetDagState(dag.Name)?.Paused ?? pausedByDefault,
            schedule = dag.ScheduleInterval.Text,
            timeZone = dag.ScheduleInterval.TimeZone.Id,
            startDate = dag.Start.ToString("yyyy-MM-dd"),
            catchup = dag.CatchupEnabled,
            maxActiveRuns = dag.MaxActive,
            dependsOnPast = dag.PastDependency,
            // Defaults are shown as any parameter is: masked (see SecretMask).
            @params = SecretMask.Values(dag.Params),
            tasks = dag.Tasks.Select(t => new
            {
                name = t.Name,
                kind = t.Kind.ToString().ToLowerInvariant(),
                upstream = t.Upstream,
                retries = t.Retry.Retries,
                retryDelaySeconds = t.Retry.RetryDelay.TotalSeconds,
                exponentialBackoff = t.Retry.Exponential,
                timeoutSeconds = t.Timeout?.TotalSeconds,
                pokeSeconds = t.Kind == TaskKind.Sensor ? t.PokeInterval.TotalSeconds : (double?)null,
                sensorTimeoutSeconds = t.Kind == TaskKind.Sensor ? t.SensorTimeout.TotalSeconds : (double?)null,
            }),
            lastRun = last is null ? null : new { ds = last.Key.DateText, state = State(last.State) },
            // The run started most recently, whatever its date (a backfill's old days start after today's run).
            lastStartedAt = summary.LastStartedAt,
            runCounts = summary.ByState.Select(kv => KeyValuePair.Create(State(kv.Key), kv.Value))
                .Prepend(KeyValuePair.Create("total", summary.Total)).ToDictionary(),
        };
    }

    /// <summary>A DAG whose runs wait for a definition this process does not have (or whose definition is invalid).</summary>
    public static object Unloaded(UnloadedDag dag) => new
    {
        name = dag.Name,
        status = dag.Status,
        error = dag.Error,
        activeRuns = dag.ActiveRuns.Select(k => k.DateText),
        reason = dag.Refusal(),
    };

    /// <param name="engine">The engine running the DAG, to tell an ended task whose try's code still runs
    /// (<c>stillRunning</c>); null where only the store is read. An engine standing by (not started) or none cannot tell
    /// what the leader's tries do: <c>stillRunning</c> is null then, unknown.</param>
    public static object Run(DagRunInfo run, Dag? dag, OrchestratorStore store, bool withTries = false, DagEngine? engine = null)
    {
        var instances = store.Tasks(run.Key).ToDictionary(t => t.Task, StringComparer.Ordinal);
        var names = dag?.Tasks.Select(t => t.Name).ToList() ?? instances.Keys.Order(StringComparer.Ordinal).ToList();
        return new
        {
            dag = run.Dag,
            ds = run.Key.DateText,
            logicalDate = run.LogicalDate,
            runId = run.RunId,
            runType = run.RunType,
            state = State(run.State),
            attempt = run.Attempt,
            // The store keeps what the run was given (its tasks need it); readers see credentials masked.
            @params = SecretMask.Values(run.Params),
            queuedAt = run.QueuedAt,
            startedAt = run.StartedAt,
            endedAt = run.EndedAt,
            tasks = names.Select(name =>
            {
                var ti = instances.GetValueOrDefault(name) ?? TaskInstanceInfo.Fresh(run.Key, name);
                return new
                {
                    task = name,
                    state = State(ti.State),
                    tries = ti.TryNumber,
                    failures = ti.Failures,
                    startedAt = ti.StartedAt,
                    endedAt = ti.EndedAt,
                    nextTryAt = ti.NextTryAt,
                    error = ti.Error,
                    stillRunning = engine is { IsStarted: true } ? engine.IsStillRunning(ti) : (bool?)null,
                    history = withTries
                        ? store.Tries(run.Key, name).Select(t => new { @try = t.Try, state = t.State, startedAt = t.StartedAt, endedAt = t.EndedAt, error = t.Error })
                        : null,
                };
            }),
        };
    }

    public static string State(TaskState state) => state switch
    {
        TaskState.None => "none",
        TaskState.Running => "running",
        TaskState.UpForRetry => "up_for_retry",
        TaskState.Success => "success",
        TaskState.Failed => "failed",
        _ => "upstream_failed",
    };

    public static string State(RunState state) => state.ToString().ToLowerInvariant();
}
