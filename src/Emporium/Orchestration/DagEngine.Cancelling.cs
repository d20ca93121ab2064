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
            foreach (var run in Store.Runs(dag).Where(r => !r.State.IsTerminal()).OrderBy(r => r.LogicalDate).ToList())
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
        : Store.Runs(dag).Count > 0 ? null
        : throw NotLoaded(dag);

    private (DagRunInfo Ended, List<CancellationTokenSource> Tries) CancelLocked(Dag? dag, DagRunInfo run)
    {
        var now = Now;
        var tries = new List<CancellationTokenSource>();
        // Without a definition, the tasks the run recorded: one never started has nothing to end.
        var names = dag?.Tasks.Select(t => t.Name) ?? Store.Tasks(run.Key).Select(t => t.Task);
        lock (tryGate)
        {
            foreach (var name in names.ToList())
            {
                if (executing.TryGetValue((run.Key, name), out var owner))
                {
                    withdrawn.Add(owner);
                    tries.Add(owner);
                }
                var instance = Store.GetTask(run.Key, name) ?? TaskInstanceInfo.Fresh(run.Key, name);
                if (instance.State.IsTerminal())
                {
                    continue;
                }
                var failed = instance with { State = TaskState.Failed, EndedAt = now, NextTryAt = null, Error = CancelledByHand };
                if (instance.State == TaskState.Running)
                {
                    var started = Store.Tries(run.Key, name).LastOrDefault(t => t.Try == instance.TryNumber)?.StartedAt ?? now;
                    Store.Save(failed, new TaskTryInfo(run.Dag, run.LogicalDate, name, instance.TryNumber, TryStates.Failed, started, now, CancelledByHand));
                }
                else
                {
                    Store.Save(failed);
                }
            }
        }
        var ended = run with { State = RunState.Failed, EndedAt = now };
        Store.Save(ended);
        active.Remove(run.Key);
        own.Remove(run.Key);
        if (catchingUp.Contains(run.Dag))
        {
            // The room it leaves goes to the next missed interval, as when a run ends: pausing the DAG stops a catch-up.
            nextScheduleCheck.Remove(run.Dag);
        }
        log.LogWarning("DAG run {Run} cancelled by hand ({Tries} tries stopped)", run.Key, tries.Count);
        return (ended, tries);
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
