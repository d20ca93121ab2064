using System.Globalization;
using Microsoft.Extensions.Logging;

namespace Emporium.Orchestration;

public sealed partial class DagEngine
{
    /// <summary>Start a run of <paramref name="dag"/> for <paramref name="logicalDate"/> (default: the latest interval that
    /// has ended, <see cref="DagSchedule.DefaultLogicalDate"/>; today for a DAG without a cron schedule). A day
    /// that already ran is re-run in place (its tasks cleared, attempt + 1) — never a second run beside it; a day whose
    /// run is still active is a <see cref="RunConflictException"/>, a parameter the DAG does not declare an
    /// <see cref="UnknownDagParamException"/>, a logical date after now a <see cref="FutureRunException"/>.</summary>
    public DagRunInfo Trigger(string dag, DateTime? logicalDate = null, IReadOnlyDictionary<string, string?>? runParams = null, string runType = RunTypes.Manual)
    {
        var definition = Definition(dag);
        UnknownDagParamException.ThrowIfAny(definition, runParams);
        CheckParams(definition, runParams);
        DagRunInfo run;
        lock (gate)
        {
            SaveCancels();
            var date = logicalDate is { } given ? Store.RunKeyFor(definition, given).LogicalDate : definition.ScheduleInterval.DefaultLogicalDate(Now);
            RefuseFuture(definition, date, Now);
            run = TriggerLocked(definition, date, runParams ?? new Dictionary<string, string?>(), runType);
        }
        Wake();
        return run;
    }

    /// <summary>One run per logical date of the DAG's schedule in [<paramref name="from"/>, <paramref name="to"/>]
    /// (one per day for DAGs without a cron schedule). Days that already have a run are re-run or left as they are by
    /// <paramref name="reprocess"/>; days with an active run are always left as they are. Each day left is reported.</summary>
    public BackfillResult Backfill(string dag, DateOnly from, DateOnly to, IReadOnlyDictionary<string, string?>? runParams = null, BackfillReprocess reprocess = BackfillReprocess.Failed)
    {
        if (to < from)
        {
            throw new ArgumentException($"backfill range is empty: {from:yyyy-MM-dd} is after {to:yyyy-MM-dd}");
        }
        var definition = Definition(dag);
        UnknownDagParamException.ThrowIfAny(definition, runParams);
        CheckParams(definition, runParams);
        var created = new List<DagRunInfo>();
        var skipped = new List<BackfillSkip>();
        lock (gate)
        {
            SaveCancels();
            // No more dates than the cap and one: a range typed wrong of a fine schedule (`--from 1900-01-01` of a DAG
            // firing every minute, 65 million intervals) was listed whole, with the lock held, before being refused.
            var schedule = definition.ScheduleInterval;
            var (fromUtc, toUtc, now) = (from.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc), to.AddDays(1).ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc), Now);
            var dates = schedule.LogicalDatesBetween(fromUtc, toUtc).Take((int)Math.Min(Options.MaxBackfillRuns + 1L, int.MaxValue)).ToList();
            // A range reaching an interval that has not ended is said so first, over the cap or not. Past the cap, that
            // interval is looked for from the latest ended one on: the dates listed stop short of it.
            var nearNow = schedule.LatestEndedIntervalStart(now) ?? now.Date.AddDays(-1);
            RefuseUnendedIntervals(definition, dates.Count > Options.MaxBackfillRuns && nearNow > fromUtc && nearNow < toUtc
                ? schedule.LogicalDatesBetween(nearNow, toUtc).Take(3).ToList()
                : dates, now);
            if (dates.Count > Options.MaxBackfillRuns)
            {
                throw new ArgumentException(
                    string.Create(CultureInfo.InvariantCulture, $"backfill of more than {Options.MaxBackfillRuns:N0} runs ({from:yyyy-MM-dd} to {to:yyyy-MM-dd}) is over Orchestrator:MaxBackfillRuns: split the range, or raise the setting"));
            }
            foreach (var date in dates)
            {
                var existing = Store.GetRun(new RunKey(dag, date));
                if (existing is not null && SkipReason(existing, reprocess) is { } reason)
                {
                    skipped.Add(new BackfillSkip(existing, reason));
                    continue;
                }
                created.Add(TriggerLocked(definition, date, runParams ?? new Dictionary<string, string?>(), RunTypes.Backfill));
            }
        }
        Wake();
        return new BackfillResult(created, skipped);
    }

    /// <summary>A backfill is for intervals that have ended. A run of one still under way would read incomplete data, and
    /// the scheduler would then never run that day (a day with a run is not scheduled again): the day would stay
    /// incomplete for good. Refused as a whole, as Airflow refuses future backfills, rather than quietly cut short.</summary>
    private static void RefuseUnendedIntervals(Dag dag, List<DateTime> dates, DateTime now)
    {
        var open = dates.FindIndex(d => dag.ScheduleInterval.IntervalEnd(d) > now);
        if (open < 0)
        {
            return;
        }
        var key = new RunKey(dag.Name, dates[open]);
        var ends = dag.ScheduleInterval.IntervalEnd(dates[open]).ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
        var advice = open == 0
            ? "no interval of the range has ended yet"
            // The range is in days (--to is inclusive): the day before the open interval's is the last one whole.
            : $"end the range at {DateOnly.FromDateTime(dates[open]).AddDays(-1):yyyy-MM-dd} or earlier";
        throw new ArgumentException(
            $"backfill range reaches {key.DateText}, whose interval has not ended (it ends {ends}); a backfill covers ended intervals only " +
            $"(the scheduler runs the others once they end, or `dag run --date` runs one now on purpose): {advice}");
    }

    /// <summary>A run of an interval that has not started would run at once against data that does not exist yet, and
    /// the day would then count as run. One whose interval has started (today's, on purpose) is allowed: the scheduler
    /// re-runs it once the interval ends.</summary>
    private static void RefuseFuture(Dag dag, DateTime logicalDate, DateTime now)
    {
        if (logicalDate <= now)
        {
            return;
        }
        var key = new RunKey(dag.Name, logicalDate);
        throw new FutureRunException(
            $"logical date {key.DateText} of DAG '{dag.Name}' is in the future (now is {now.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture)}): " +
            "its interval has not started, so there is no data to run it on; the scheduler runs it once its interval ends");
    }

    private string? SkipReason(DagRunInfo existing, BackfillReprocess reprocess) => existing.State switch
    {
        RunState.Queued or RunState.Running when !(Options.OnlyOwnRuns && !own.Contains(existing.Key)) => "a run of this day is active",
        RunState.Success when reprocess != BackfillReprocess.All => "this day's run succeeded (reprocess all runs it again)",
        RunState.Failed when reprocess == BackfillReprocess.Missing => "this day's run failed (reprocess failed runs it again)",
        _ => null,
    };

    /// <summary>Clear <paramref name="task"/> and everything downstream of it (every task when null) in one run, so they
    /// run again; their outputs are dropped and their retry budget restored. The run becomes active again.</summary>
    public DagRunInfo Clear(string dag, DateTime logicalDate, string? task = null)
    {
        DagRunInfo result;
        var waiting = new List<CancellationTokenSource>();
        lock (gate)
        {
            // A run cancelled on a full disk must be seen ended before it is cleared, or the cancel's lines, written
            // later, would fail the cleared tasks.
            SaveCancels();
            var definition = Definition(dag);
            var key = Store.RunKeyFor(definition, logicalDate);
            var run = Store.GetRun(key) ?? throw new KeyNotFoundException($"DAG '{dag}' has no run for {key.DateText}");
            if (task is not null && !definition.HasTask(task))
            {
                throw new KeyNotFoundException($"DAG '{dag}' has no task '{task}'");
            }
            var targets = task is null
                ? definition.Tasks.Select(t => t.Name).ToHashSet(StringComparer.Ordinal)
                : [task, .. definition.Downstream(task)];
            var busy = new List<string>();
            lock (tryGate)
            {
                foreach (var name in targets)
                {
                    if (!executing.TryGetValue((key, name), out var owner))
                    {
                        continue;
                    }
                    switch (Store.GetTask(key, name)?.State)
                    {
                        case { } state when state.IsTerminal():
                            // Its end is recorded and its thread is only letting it go (the run can be seen ended first);
                            // the cleared task is dispatched again once that is done.
                            break;
                        case TaskState.UpForRetry:
                            // Waiting for its retry: that wait is withdrawn (under tryGate, so the retry either started
                            // before and the task is running, or finds itself withdrawn) and the task runs at once.
                            waiting.Add(owner);
                            break;
                        default:
                            busy.Add(name);
                            break;
                    }
                }
                if (busy.Count > 0)
                {
                    throw new RunConflictException($"cannot clear {string.Join(", ", busy)} of {key}: running now");
                }
                waiting.ForEach(w => withdrawn.Add(w));
            }
            ResetTasks(key, targets);
            result = run.State.IsTerminal()
                ? run with { State = RunState.Queued, EndedAt = null, Attempt = run.Attempt + 1 }
                : run;
            Store.Save(result);
            active.Add(key);
            own.Add(key);
            log.LogInformation("cleared {Tasks} of {Run}", string.Join(", ", targets), key);
        }
        Stop(waiting);
        Wake();
        return result;
    }

    private DagRunInfo TriggerLocked(Dag dag, DateTime logicalDate, IReadOnlyDictionary<string, string?> runParams, string runType)
    {
        var key = new RunKey(dag.Name, DateTime.SpecifyKind(logicalDate, DateTimeKind.Utc));
        var existing = Store.GetRun(key);
        if (existing is { State: RunState.Queued or RunState.Running })
        {
            // A one-off process adopts a run a stopped process left active; anywhere else it is a real conflict.
            if (Options.OnlyOwnRuns && own.Add(key))
            {
                return existing;
            }
            throw new RunConflictException($"{key} is already {existing.State.ToString().ToLowerInvariant()} ({existing.RunId}); wait for it or clear it when it ends");
        }
        if (existing is not null)
        {
            ResetTasks(key, dag.Tasks.Select(t => t.Name));
        }
        return CreateRun(dag, key, runType, runParams, existing, Now);
    }

    private void ResetTasks(RunKey run, IEnumerable<string> tasks)
    {
        foreach (var name in tasks)
        {
            if (Store.GetTask(run, name) is { } instance && instance.State != TaskState.None)
            {
                Store.Save(instance with { State = TaskState.None, Failures = 0, Interruptions = 0, StartedAt = null, EndedAt = null, NextTryAt = null, Error = null });
            }
            if (Store.XComs(run, name).Count > 0)
            {
                Store.ClearXComs(run, name);
            }
        }
    }

    /// <summary>Refuses a run given a parameter out of range before it is stored, so the caller hears it instead of the
    /// run failing later (the settings' values were checked when the engine was made).</summary>
    private static void CheckParams(Dag definition, IReadOnlyDictionary<string, string?>? runParams) =>
        DagParamValue.Check(definition, runParams ?? new Dictionary<string, string?>(), "given to the run");
}
