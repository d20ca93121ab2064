using Microsoft.Extensions.Logging;

namespace Emporium.Orchestration;

public sealed partial class DagEngine
{
    /// <summary>One pass of the scheduler (under the gate): create due runs, start queued runs within
    /// max_active_runs, start ready tasks, mark upstream failures, finish runs. Returns the next schedule boundary.</summary>
    private DateTime? Evaluate()
    {
        // Before anything is decided on the store's word: a run cancelled on a full disk still reads active there.
        SaveCancels();
        var now = Now;
        DateTime? wakeAt;
        // A run that finishes frees a max_active_runs slot, a finished day may unblock depends_on_past, and a run
        // triggered early may now be re-run by the schedule: go again until a pass finishes nothing.
        do
        {
            wakeAt = Options.Scheduling ? ScheduleAll(now) : null;
        }
        while (AdvanceActiveRuns(now));
        return wakeAt;
    }

    private DateTime? ScheduleAll(DateTime now)
    {
        DateTime? wakeAt = null;
        foreach (var dag in Registry.Dags)
        {
            if (ScheduleDag(dag, now) is { } next && (wakeAt is null || next < wakeAt))
            {
                wakeAt = next;
            }
        }
        return wakeAt;
    }

    /// <returns>Whether some run finished in this pass.</returns>
    private bool AdvanceActiveRuns(DateTime now)
    {
        var finishedAny = false;
        foreach (var group in active.Where(Eligible).Select(k => Store.GetRun(k)!).GroupBy(r => r.Dag).ToList())
        {
            if (!Registry.TryGet(group.Key, out var dag))
            {
                continue;
            }
            var running = group.Count(r => r.State == RunState.Running);
            foreach (var queued in group.Where(r => r.State == RunState.Queued).OrderBy(r => r.LogicalDate))
            {
                if (running >= dag.MaxActive && running - group.Count(r => r.LogicalDate > queued.LogicalDate && WaitsIdleOnPast(r, dag)) >= dag.MaxActive)
                {
                    break;
                }
                if (queued is { RunType: RunTypes.Scheduled, Attempt: 1 } && IsPaused(dag.Name))
                {
                    // Runs the scheduler made wait for the unpause; runs asked for by hand (triggered, backfilled,
                    // cleared: attempt > 1) are not held back.
                    continue;
                }
                Store.Save(queued with { State = RunState.Running, StartedAt = now });
                running++;
            }
            foreach (var run in group.Select(r => Store.GetRun(r.Key)!).Where(r => r.State == RunState.Running).OrderBy(r => r.LogicalDate))
            {
                finishedAny |= Advance(run, dag, now);
            }
        }
        return finishedAny;
    }

    private bool Eligible(RunKey run) => !Options.OnlyOwnRuns || own.Contains(run);

    /// <returns>Whether the run finished.</returns>
    private bool Advance(DagRunInfo run, Dag dag, DateTime now)
    {
        var finished = true;
        var failed = false;
        foreach (var task in Ordered(dag))
        {
            var instance = Store.GetTask(run.Key, task.Name) ?? TaskInstanceInfo.Fresh(run.Key, task.Name);
            if (instance.State == TaskState.UpForRetry && !executing.ContainsKey((run.Key, task.Name)))
            {
                // Left waiting for a retry by a stopped process: resume the wait for what remains of its delay.
                Dispatch(run, dag, task, instance);
            }
            else if (instance.State == TaskState.None && !executing.ContainsKey((run.Key, task.Name)))
            {
                var upstream = task.Upstream.Select(u => Store.GetTask(run.Key, u)?.State ?? TaskState.None).ToList();
                if (upstream.Any(s => s is TaskState.Failed or TaskState.UpstreamFailed))
                {
                    instance = instance with { State = TaskState.UpstreamFailed, EndedAt = now, Error = "an upstream task failed" };
                    Store.Save(instance);
                }
                else if (upstream.All(s => s == TaskState.Success) && PastSucceeded(run, dag, task))
                {
                    Dispatch(run, dag, task, instance);
                }
            }
            finished &= instance.State.IsTerminal();
            failed |= instance.State is TaskState.Failed or TaskState.UpstreamFailed;
        }
        if (finished)
        {
            Store.Save(run with { State = failed ? RunState.Failed : RunState.Success, EndedAt = now });
            active.Remove(run.Key);
            own.Remove(run.Key);
            if (StartedEarly(dag.ScheduleInterval, run) || catchingUp.Contains(dag.Name))
            {
                // Its re-run may be due now, or the room it leaves lets catching up make the next run (ScheduleDag); any
                // other run leaves the schedule as it was.
                nextScheduleCheck.Remove(dag.Name);
            }
            log.LogInformation("DAG run {Run} {State}", run.Key, failed ? "failed" : "succeeded");
        }
        return finished;
    }

    /// <summary>A running run with nothing executing that waits for a task of an earlier run (depends_on_past). It holds
    /// its max_active_runs slot for nothing: an earlier day queued again (cleared after it failed) is let start beside
    /// it, or with max_active_runs 1 each would wait for the other for ever.</summary>
    private bool WaitsIdleOnPast(DagRunInfo run, Dag dag) =>
        run.State == RunState.Running
        && dag.Tasks.All(t => !executing.ContainsKey((run.Key, t.Name)))
        && dag.Tasks.Any(t => Store.GetTask(run.Key, t.Name)?.State is null or TaskState.None
            && t.Upstream.All(u => Store.GetTask(run.Key, u)?.State == TaskState.Success)
            && !PastSucceeded(run, dag, t));

    /// <summary>depends_on_past: the same task must have succeeded in the previous run (by logical date) of the DAG,
    /// when there is one. A finished previous run without that task (the task was added since) does not block.</summary>
    private bool PastSucceeded(DagRunInfo run, Dag dag, DagTask task)
    {
        if (!(task.DependsOnPast ?? dag.PastDependency))
        {
            return true;
        }
        var previous = Store.RunBefore(dag.Name, run.LogicalDate);
        if (previous is null)
        {
            return true;
        }
        return Store.GetTask(previous.Key, task.Name) is { } past
            ? past.State == TaskState.Success
            : previous.State.IsTerminal();
    }

    /// <summary>Creates the runs a schedule makes due at <paramref name="now"/>: the run for interval [t, next(t)) is due
    /// once next(t) has passed. With catchup, every interval since the last scheduled run; without, only the latest.
    /// Returns when to look again.</summary>
    private DateTime? ScheduleDag(Dag dag, DateTime now)
    {
        if (nextScheduleCheck.TryGetValue(dag.Name, out var check) && (check is null || now < check))
        {
            return check;
        }
        if (IsPaused(dag.Name))
        {
            // Nothing to wake for until SetPaused unpauses it (which drops this entry).
            nextScheduleCheck[dag.Name] = null;
            return null;
        }
        var schedule = dag.ScheduleInterval;
        var start = dag.Start.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);
        var lastScheduled = Store.LatestScheduledRun(dag.Name);
        DateTime? wakeAt = null;
        var due = new List<DateTime>();
        if (schedule.IsOnce)
        {
            if (lastScheduled is null)
            {
                if (now >= start)
                {
                    due.Add(start);
                }
                else
                {
                    wakeAt = start;
                }
            }
        }
        else if (schedule.IsCron)
        {
            // Catching up makes no more runs than max_active_runs leaves room for, oldest first (as Airflow does); the
            // next ones are made as these end (Advance asks again). Made all at once, a long outage or an early start
            // date queued one run per missed interval in one pass, each fsynced with the scheduler's lock held.
            var room = dag.CatchupEnabled ? dag.MaxActive - active.Count(k => k.Dag == dag.Name) : int.MaxValue;
            catchingUp.Remove(dag.Name);
            var cursor = lastScheduled is null ? schedule.FirstAtOrAfter(start) : schedule.NextAfter(lastScheduled.LogicalDate);
            if (!dag.CatchupEnabled && cursor is { } from && schedule.LatestEndedIntervalStart(now) is { } latest && latest > from)
            {
                // Only the latest ended interval runs: walking every interval up to it held the scheduler's lock for a
                // minute for a `* * * * *` DAG left with the default start date (13 million intervals since 2000).
                cursor = latest;
            }
            while (cursor is { } intervalStart)
            {
                var intervalEnd = schedule.NextAfter(intervalStart);
                if (intervalEnd is null || intervalEnd > now)
                {
                    wakeAt = intervalEnd;
                    break;
                }
                if (dag.CatchupEnabled && NeedsScheduledRun(schedule, new RunKey(dag.Name, intervalStart)) && room-- <= 0)
                {
                    catchingUp.Add(dag.Name);
                    wakeAt = null;
                    break;
                }
                due.Add(intervalStart);
                cursor = intervalEnd;
            }
            if (!dag.CatchupEnabled && due.Count > 1)
            {
                due.RemoveRange(0, due.Count - 1);
            }
        }
        foreach (var logicalDate in due)
        {
            var key = new RunKey(dag.Name, logicalDate);
            var existing = Store.GetRun(key);
            if (existing is null)
            {
                CreateRun(dag, key, RunTypes.Scheduled, new Dictionary<string, string?>(), previous: null, now);
            }
            else if (NeedsScheduledRun(schedule, key))
            {
                // Run by hand before its interval ended, it read part of the interval's data: the scheduler's run
                // re-runs it in place now that the data is whole (with the parameters it was given), or the day would
                // keep its partial result for good. One still active is re-run once it ends (Advance asks again).
                ResetTasks(key, dag.Tasks.Select(t => t.Name));
                CreateRun(dag, key, RunTypes.Scheduled, existing.Params, existing, now);
            }
        }
        nextScheduleCheck[dag.Name] = wakeAt;
        return wakeAt;
    }

    /// <summary>Whether the schedule makes a run of <paramref name="key"/>: the day has none, or its run was started by
    /// hand before the interval ended and has ended since.</summary>
    private bool NeedsScheduledRun(DagSchedule schedule, RunKey key) =>
        Store.GetRun(key) is not { } existing || (StartedEarly(schedule, existing) && existing.State.IsTerminal());

    /// <summary>Queued before its interval ended (by hand: the scheduler and backfills wait for the end), so it read
    /// part of the interval's data.</summary>
    private static bool StartedEarly(DagSchedule schedule, DagRunInfo run) => run.QueuedAt < schedule.IntervalEnd(run.LogicalDate);

    private DagRunInfo CreateRun(Dag dag, RunKey key, string runType, IReadOnlyDictionary<string, string?> runParams, DagRunInfo? previous, DateTime now)
    {
        var run = new DagRunInfo(dag.Name, key.LogicalDate, $"{runType}__{key.DateText}", runType, RunState.Queued,
            runParams, now, null, null, (previous?.Attempt ?? 0) + 1);
        Store.Save(run);
        active.Add(key);
        own.Add(key);
        log.LogInformation("DAG run {Run} created ({RunType})", key, runType);
        return run;
    }

    /// <summary>At start: the previous process is gone (we hold the store's lock), so a try it left running was
    /// interrupted. Record that, and make the task ready again; its retry budget is untouched. A task it left waiting
    /// for a retry keeps its persisted <see cref="TaskInstanceInfo.NextTryAt"/>: the retry starts when that is due, not
    /// at once (and at once if it passed while no process ran).</summary>
    private void Recover()
    {
        var now = Now;
        foreach (var run in Store.ActiveRuns())
        {
            active.Add(run.Key);
            foreach (var task in Store.Tasks(run.Key).Where(t => t.State is TaskState.Running || t is { State: TaskState.UpForRetry, NextTryAt: null }))
            {
                var openTry = Store.Tries(run.Key, task.Task).LastOrDefault(t => t.State == TryStates.Running);
                if (openTry is not null)
                {
                    Store.Save(openTry with { State = TryStates.Interrupted, EndedAt = now, Error = "the process stopped during this try" });
                }
                var interrupted = task.State == TaskState.Running ? task.Interruptions + 1 : task.Interruptions;
                if (interrupted >= Options.MaxTaskInterruptions)
                {
                    // Most likely the task itself takes the process down: trying it at every start would take every
                    // new server down with it. Its downstream becomes upstream_failed and the run fails (Advance).
                    var error = $"the process stopped during each of its last {interrupted} tries (Orchestrator:MaxTaskInterruptions); clear it to try again";
                    Store.Save(task with { State = TaskState.Failed, NextTryAt = null, EndedAt = now, Error = error, Interruptions = interrupted });
                    log.LogError("task {Task} of {Run} failed: {Error}", task.Task, run.Key, error);
                    continue;
                }
                Store.Save(task with { State = TaskState.None, NextTryAt = null, Interruptions = interrupted });
                log.LogWarning("task {Task} of {Run} was interrupted at try {Try}; it will be tried again", task.Task, run.Key, task.TryNumber);
            }
        }
    }
}
