using Microsoft.Extensions.Logging;

namespace Emporium.Orchestration;

public sealed partial class DagEngine
{
    /// <summary>What a task cancelled by hand records as its error.</summary>
    public const string CancelledByHand = "cancelled by hand";

    /// <summary>Tries whose run was cancelled: they must not record a start or an end over the cancellation. Guarded by
    /// <see cref="tryGate"/>, which a try's start and end also take, so a try either ended before the cancel (and keeps
    /// its result) or finds itself withdrawn.</summary>
    private readonly HashSet<CancellationTokenSource> withdrawn = new(ReferenceEqualityComparer.Instance);
    private readonly object tryGate = new();

    /// <summary>Runs cancelled by hand whose lines the journal has not all taken yet (a full disk), with when they were
    /// cancelled. Guarded by <see cref="gate"/>.</summary>
    private readonly Dictionary<RunKey, DateTime> unsavedCancels = [];

    /// <summary>Ends an active run of <paramref name="dag"/> as failed (Airflow's "mark failed"): its running tries are
    /// cancelled through their token, every task that had not ended is failed with <see cref="CancelledByHand"/>, and
    /// tasks that ended keep their result. A run queued by a backfill typed wrong is undone this way before it starts.
    /// Clearing or re-triggering the day runs it again. A run whose DAG has no loaded definition (<see cref="Unloaded"/>) is cancelled by the tasks it recorded.</summary>
    public DagRunInfo Cancel(string dag, DateTime logicalDate)
    {
        var definition = LoadedOrUnloaded(dag);
        var key = KeyFor(dag, definition, logicalDate);
        List<CancellationTokenSource> tries;
        DagRunInfo ended;
        lock (gate)
        {
            var run = Store.GetRun(key) ?? throw new KeyNotFoundException($"DAG '{dag}' has no run for {key.DateText}");
            if (unsavedCancels.ContainsKey(key))
            {
                throw new RunConflictException($"{key} is cancelled already; the journal has not taken it yet (see the server's log) and is written again every {JournalRetryDelay}");
            }
            if (run.State.IsTerminal())
            {
                throw new RunConflictException($"{key} is not active (it {(run.State == RunState.Success ? "succeeded" : "failed")}); there is nothing to cancel");
            }
            (ended, tries) = CancelLocked(definition, run);
        }
        Stop(tries);
        Wake();
        return ended;
    }

    /// <summary>Cancels every active run of <paramref name="dag"/> (queued and running), oldest first.</summary>
    public IReadOnlyList<DagRunInfo> CancelActive(string dag)
    {
        var definition = LoadedOrUnloaded(dag);
        var ended = new List<DagRunInfo>();
        var tries = new List<CancellationTokenSource>();
        lock (gate)
        {
            foreach (var run in Store.ActiveRuns(dag).Where(r => !unsavedCancels.ContainsKey(r.Key)).ToList())
            {
                var (one, its) = CancelLocked(definition, run);
                ended.Add(one);
                tries.AddRange(its);
            }
        }
        Stop(tries);
        Wake();
        return ended;
    }

    /// <summary>The definition, or null for a DAG that is unloaded but known to the store (its runs can be cancelled).</summary>
    private Dag? LoadedOrUnloaded(string dag) =>
        Registry.TryGet(dag, out var definition) ? definition
        : Store.HasRuns(dag) ? null
        : throw NotLoaded(dag);

    private (DagRunInfo Ended, List<CancellationTokenSource> Tries) CancelLocked(Dag? dag, DagRunInfo run)
    {
        var now = Now;
        var tries = new List<CancellationTokenSource>();
        lock (tryGate)
        {
            foreach (var name in TaskNames(dag, run.Key))
            {
                if (executing.TryGetValue((run.Key, name), out var owner))
                {
                    withdrawn.Add(owner);
                    tries.Add(owner);
                }
            }
        }
        // Taken at once, whatever the disk says: its tries are withdrawn (they record no end of their own), so the
        // cancel's lines must reach the journal or the task stays 'running' until a restart.
        unsavedCancels[run.Key] = now;
        active.Remove(run.Key);
        own.Remove(run.Key);
        if (catchingUp.Contains(run.Dag))
        {
            // The room it leaves goes to the next missed interval, as when a run ends: pausing the DAG stops a catch-up.
            nextScheduleCheck.Remove(run.Dag);
        }
        try
        {
            SaveCancels();
        }
        catch (JournalWriteException e)
        {
            journalFailures.Failed(e, $"the cancel of {run.Key} is written again every {JournalRetryDelay} until the journal takes it");
        }
        log.LogWarning("DAG run {Run} cancelled by hand ({Tries} tries stopped)", run.Key, tries.Count);
        return (run with { State = RunState.Failed, EndedAt = now }, tries);
    }

    /// <summary>Without a definition, the tasks the run recorded: one never started has nothing to end.</summary>
    private IReadOnlyList<string> TaskNames(Dag? dag, RunKey run) =>
        (dag?.Tasks.Select(t => t.Name) ?? Store.Tasks(run).Select(t => t.Task)).ToList();

    /// <summary>Writes the cancels taken but not yet in the journal (under <see cref="gate"/>); throws
    /// <see cref="JournalWriteException"/> while the journal cannot take them. Called by each evaluation (the loop
    /// tries again every <see cref="JournalRetryDelay"/>) and before each command, which must see the run as
    /// cancelled. Each line is written at most once: a retry skips what an earlier attempt saved.</summary>
    private void SaveCancels()
    {
        foreach (var (key, at) in unsavedCancels.ToList())
        {
            var definition = Registry.TryGet(key.Dag, out var loaded) ? loaded : null;
            lock (tryGate)
            {
                foreach (var name in TaskNames(definition, key))
                {
                    var instance = Store.GetTask(key, name) ?? TaskInstanceInfo.Fresh(key, name);
                    if (instance.State.IsTerminal())
                    {
                        continue;
                    }
                    var failed = instance with { State = TaskState.Failed, EndedAt = at, NextTryAt = null, Error = CancelledByHand };
                    if (instance.State == TaskState.Running)
                    {
                        var started = Store.Tries(key, name).LastOrDefault(t => t.Try == instance.TryNumber)?.StartedAt ?? at;
                        Store.Save(failed, new TaskTryInfo(key.Dag, key.LogicalDate, name, instance.TryNumber, TryStates.Failed, started, at, CancelledByHand));
                    }
                    else
                    {
                        Store.Save(failed);
                    }
                }
            }
            if (Store.GetRun(key) is { } run && !run.State.IsTerminal())
            {
                Store.Save(run with { State = RunState.Failed, EndedAt = at });
            }
            unsavedCancels.Remove(key);
            journalFailures.Succeeded();
        }
    }

    /// <summary>Outside the gates: cancelling runs the token's callbacks on this thread, and a try that then ends takes
    /// the gate itself.</summary>
    private static void Stop(List<CancellationTokenSource> tries)
    {
        foreach (var owner in tries)
        {
            try
            {
                owner.Cancel();
            }
            catch (ObjectDisposedException)
            {
                // The try ended in between; it found itself withdrawn and recorded nothing.
            }
        }
    }

    /// <summary>Whether a try of <paramref name="task"/> in <paramref name="run"/> is still held by its thread.</summary>
    /// <summary>Whether the task's end is recorded while a try's code still runs: a try abandoned past
    /// <see cref="OrchestratorOptions.TimeoutGracePeriod"/>, or one cancelled by hand not yet returned. A clear of the
    /// task starts its next try only once that code has returned.</summary>
    public bool IsStillRunning(TaskInstanceInfo task) => task.State.IsTerminal() && IsExecuting(task.Run, task.Task);

    internal bool IsExecuting(RunKey run, string task)
    {
        lock (gate)
        {
            return executing.ContainsKey((run, task));
        }
    }

    private bool IsWithdrawn(CancellationTokenSource owner)
    {
        lock (tryGate)
        {
            return withdrawn.Contains(owner);
        }
    }

    private void Forget(CancellationTokenSource owner)
    {
        lock (tryGate)
        {
            withdrawn.Remove(owner);
        }
    }
}
