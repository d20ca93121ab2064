using Microsoft.Extensions.Logging;
using Polly.Timeout;

namespace Emporium.Orchestration;

public sealed partial class DagEngine
{
    private void Dispatch(DagRunInfo run, Dag dag, DagTask task, TaskInstanceInfo instance)
    {
        var cancel = CancellationTokenSource.CreateLinkedTokenSource(stopping.Token);
        executing[(run.Key, task.Name)] = cancel;
        var work = Task.Run(() => ExecuteAsync(run, dag, task, instance, cancel));
        inflight.TryAdd(work, 0);
        work.ContinueWith(t => inflight.TryRemove(t, out _), TaskScheduler.Default);
    }

    private async Task ExecuteAsync(DagRunInfo run, Dag dag, DagTask task, TaskInstanceInfo instance, CancellationTokenSource cancel)
    {
        var ct = cancel.Token;
        var current = instance;
        Task? abandoned = null;
        try
        {
            if (current is { State: TaskState.UpForRetry, NextTryAt: { } due } && due - Now is var remaining && remaining > TimeSpan.Zero)
            {
                // A retry resumed after a restart: wait out the rest of its delay before taking a slot.
                log.LogInformation("task {Task} of {Run} retries at {Due:O}", task.Name, run.Key, due);
                await Task.Delay(TaskPipelines.ClampDelay(remaining), Time, ct).ConfigureAwait(false);
            }
            var runParams = parameters.Resolve(dag, run.Params);
            var retries = TaskPipelines.ForRetries(task, Math.Max(0, task.Retry.Retries - current.Failures), () => current.Failures, Time);
            var tryLimit = TaskPipelines.ForTry(task, Time);
            // The slot is taken for each try and given back before its retry delay: a task waiting for its retry is not
            // executing, and held through long delays its slot stopped every other DAG.
            await retries.ExecuteAsync(async retryToken =>
            {
                await slots.WaitAsync(retryToken).ConfigureAwait(false);
                try
                {
                    await tryLimit.ExecuteAsync(token => TryAsync(token), retryToken).ConfigureAwait(false);
                }
                finally
                {
                    slots.Release();
                }
            }, ct).ConfigureAwait(false);

            async ValueTask TryAsync(CancellationToken token)
            {
                current = await BeginTryAsync(current, cancel, ct).ConfigureAwait(false);
                var taskLog = new TaskLog(Store, run.Key, task.Name, current.TryNumber, Time, loggers.CreateLogger($"Emporium.Orchestration.{dag.Name}.{task.Name}"));
                taskLog.LogInformation("{Dag} {Task} try {Try} for {Date} ({RunId})", dag.Name, task.Name, current.TryNumber, run.Key.DateText, run.RunId);
                var context = new TaskContext(run.Key, run.RunId, task.Name, current.TryNumber, runParams, taskLog, Store, Services, Time, token);
                try
                {
                    if (task.Kind == TaskKind.Sensor)
                    {
                        await SenseAsync(run, task, context, taskLog, action => abandoned = action, token, ct).ConfigureAwait(false);
                    }
                    else
                    {
                        await RunActionAsync(run, task, context, action => abandoned = action, token, ct).ConfigureAwait(false);
                    }
                }
                catch (Exception ex) when (!ct.IsCancellationRequested)
                {
                    // Only the pipeline's own token says the timeout fired: a cancellation the task made itself (an HTTP
                    // client's timeout) keeps its message, or it would be blamed on the task's limit.
                    var reason = ex is OperationCanceledException && token.IsCancellationRequested && task.Timeout is { } limit
                        ? $"timed out after {limit}"
                        : ex.Message;
                    // A failure no retry can mend (a parameter to set, a sensor that waited out) is fully said by its
                    // message; its stack trace would only bury that message in the task log and on the console.
                    taskLog.LogError(TaskPipelines.IsFinal(ex) ? null : ex, "try {Try} failed: {Reason}", current.TryNumber, reason);
                    current = await EndTryAsync(current, task, reason, TaskPipelines.IsFinal(ex), cancel, ct, stillHeld: ex is TryAbandonedException).ConfigureAwait(false);
                    throw;
                }
                // The success is recorded (and the downstream dispatched) before the log line: a log write can block
                // behind other processes' dirty pages on a busy disk, and it is not part of the hand-off.
                current = await EndTryAsync(current, task, error: null, final: true, cancel, ct).ConfigureAwait(false);
                if (current.State == TaskState.Success)
                {
                    taskLog.LogInformation("try {Try} succeeded", current.TryNumber);
                }
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested || IsWithdrawn(cancel))
        {
            // Stopping: leave the try as running; the next start records it as interrupted and tries again. Cancelled by
            // hand: Cancel recorded the end already.
        }
        catch (Exception ex) when (current.State != TaskState.Failed && !IsWithdrawn(cancel))
        {
            // Failed before any try could start (e.g. a parameter could not be resolved).
            log.LogError(ex, "task {Task} of {Run} failed", task.Name, run.Key);
            var failed = current with { State = TaskState.Failed, EndedAt = Now, Error = ex.Message };
            await WriteJournalAsync($"the failure of {task.Name} in {run.Key}", () => Store.Save(failed), ct).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not TimeoutRejectedException)
        {
            log.LogWarning("task {Task} of {Run} failed: {Error}", task.Name, run.Key, current.Error);
        }
        catch (TimeoutRejectedException)
        {
            log.LogWarning("task {Task} of {Run} timed out", task.Name, run.Key);
        }
        finally
        {
            if (abandoned is not null)
            {
                await OutliveAsync(abandoned, run.Key, task.Name).ConfigureAwait(false);
            }
            Release(run.Key, task.Name, cancel);
            Forget(cancel);
            cancel.Dispose();
            Wake();
        }
    }

    /// <summary>Test seam: runs once a try's final end is in the journal and before its thread releases the task, the
    /// window in which the run can already be seen ended while the task still counts as executing.</summary>
    internal Action<RunKey, string>? AfterTerminalTrySaved { get; set; }

    private async Task<TaskInstanceInfo> BeginTryAsync(TaskInstanceInfo instance, CancellationTokenSource owner, CancellationToken cancellationToken)
    {
        var now = Now;
        var next = instance with
        {
            State = TaskState.Running,
            TryNumber = instance.TryNumber + 1,
            StartedAt = instance.State == TaskState.UpForRetry ? instance.StartedAt ?? now : now,
            EndedAt = null,
            NextTryAt = null,
            Error = null,
        };
        await WriteJournalAsync($"the start of {next.Task} in {next.Run}", () =>
        {
            lock (tryGate)
            {
                if (withdrawn.Contains(owner))
                {
                    // Its run was cancelled while the try waited for its start: a start recorded now would outlive the run.
                    throw new RunCancelledException();
                }
                // Not fsynced: on the hand-off's critical path, and a lost start only means the try runs again as the same number.
                Store.Save(next, new TaskTryInfo(next.Dag, next.LogicalDate, next.Task, next.TryNumber, TryStates.Running, now, null, null), durable: false);
            }
        }, cancellationToken).ConfigureAwait(false);
        NotifyChanged();
        return next;
    }

    /// <summary>Records the end of a try and the task's resulting state in one journal line: success, up for retry (with
    /// when), or failed once the retry budget is spent or the failure is <paramref name="final"/>.</summary>
    /// <summary>Forgets a try as executing, unless the task has been dispatched again since (a clear right after its
    /// run ended): that newer try's entry must stay.</summary>
    private void Release(RunKey run, string task, CancellationTokenSource owner)
    {
        lock (gate)
        {
            if (executing.TryGetValue((run, task), out var current) && ReferenceEquals(current, owner))
            {
                executing.Remove((run, task));
            }
        }
    }

    /// <param name="stillHeld">The try's code has not returned (abandoned): the task stays executing, so a clear does not
    /// start another try beside it, until <see cref="OutliveAsync"/> sees it return.</param>
    private async Task<TaskInstanceInfo> EndTryAsync(TaskInstanceInfo instance, DagTask task, string? error, bool final, CancellationTokenSource owner,
        CancellationToken cancellationToken, bool stillHeld = false)
    {
        var now = Now;
        var openTry = Store.Tries(instance.Run, instance.Task).LastOrDefault(t => t.Try == instance.TryNumber);
        var tryStart = openTry?.StartedAt ?? now;
        TaskInstanceInfo next;
        if (error is null)
        {
            next = instance with { State = TaskState.Success, EndedAt = now, Interruptions = 0 };
        }
        else
        {
            var failures = instance.Failures + 1;
            var retry = !final && failures <= task.Retry.Retries;
            next = instance with
            {
                State = retry ? TaskState.UpForRetry : TaskState.Failed,
                Failures = failures,
                Interruptions = 0,
                EndedAt = retry ? null : now,
                NextTryAt = retry ? now + task.Retry.DelayBefore(failures) : null,
                Error = error,
            };
        }
        TaskInstanceInfo? superseded = null;
        await WriteJournalAsync($"the end of {next.Task} in {next.Run}", () =>
        {
            lock (tryGate)
            {
                if (withdrawn.Contains(owner))
                {
                    superseded = Store.GetTask(instance.Run, instance.Task) ?? instance;
                    return;
                }
                Store.Save(next, new TaskTryInfo(next.Dag, next.LogicalDate, next.Task, instance.TryNumber, error is null ? TryStates.Success : TryStates.Failed, tryStart, now, error));
            }
        }, cancellationToken).ConfigureAwait(false);
        if (superseded is not null)
        {
            return superseded;
        }
        if (next.State.IsTerminal())
        {
            AfterTerminalTrySaved?.Invoke(instance.Run, instance.Task);
            // Before the run can end on this thread: whoever sees it ended (a waiting `dag clear`) must not find the
            // task still executing.
            if (!stillHeld)
            {
                Release(instance.Run, instance.Task, owner);
            }
            EvaluateHere();
        }
        else
        {
            NotifyChanged();
        }
        return next;
    }

    /// <summary>Makes the scheduler's decisions on this (already running) thread once a task's end is durable, so its
    /// downstream is dispatched without waiting for the loop's thread to be woken and scheduled: on a loaded machine
    /// every thread wake-up on the hand-off path costs up to a scheduler time slice. The dispatched try is queued on
    /// this thread-pool thread's local queue, which it picks up as soon as this try's clean-up is done (or an idle
    /// worker steals it first). The loop is still woken when the try ends (its <c>finally</c>), for the rest.</summary>
    private void EvaluateHere()
    {
        if (stopping.IsCancellationRequested)
        {
            return;
        }
        try
        {
            lock (gate)
            {
                // The schedule part's wake time is the loop's concern: Evaluate only moves it later, never earlier.
                Evaluate();
            }
        }
        catch (Exception ex)
        {
            evaluationFailures.Failed(ex, "the loop retries it", LogLevel.Error);
        }
        NotifyChanged();
    }

    /// <summary>Runs a try's action (a task's work, or one check of a sensor). Once <paramref name="token"/> is cancelled
    /// (the task's or the sensor's timeout fired, or a cancel by hand), the try is not over until the action has
    /// returned: its retry, its downstream and its state leaving running all wait, at most
    /// <see cref="OrchestratorOptions.TimeoutGracePeriod"/>, or two tries of the task would write at once. An action
    /// still running after that is handed to <paramref name="abandon"/> and the try fails with
    /// <see cref="TryAbandonedException"/>. A stopping engine does not wait: the process ends the action with it, and
    /// the next start records the try as interrupted.</summary>
    private async Task<bool> RunActionAsync(DagRunInfo run, DagTask task, TaskContext context, Action<Task> abandon, CancellationToken token,
        CancellationToken runToken)
    {
        Task<bool>? action = null;
        try
        {
            action = task.Action(context);
            return await action.WaitAsync(token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested && action is { IsCompleted: false } && !stopping.IsCancellationRequested)
        {
            if (await ReturnsWithinGraceAsync(action).ConfigureAwait(false))
            {
                // A sensor's check that then finds its condition met decides the sensor: the condition holds, which is
                // all it waits for (Airflow looks at a poke's result before its timeout). A task's return says nothing
                // of the kind: code that sees its token often returns early, its work cut short, so it stays timed out.
                if (task.Kind == TaskKind.Sensor && !runToken.IsCancellationRequested && action.IsCompletedSuccessfully && action.Result)
                {
                    return true;
                }
                throw;
            }
            var timeout = runToken.IsCancellationRequested ? null : task.Kind == TaskKind.Sensor ? task.SensorTimeout : task.Timeout;
            var abandoned = new TryAbandonedException(task.Name, timeout, Options.TimeoutGracePeriod);
            log.LogError("task {Task} of {Run} try {Try} ignored its cancellation for {Grace}; it may still be running and is not retried",
                task.Name, run.Key, context.TryNumber, Options.TimeoutGracePeriod);
            abandon(action);
            throw abandoned;
        }
    }

    /// <summary>Whether <paramref name="action"/> returns within the grace period (on the engine's clock); throws once the
    /// engine is stopping.</summary>
    private async Task<bool> ReturnsWithinGraceAsync(Task action)
    {
        using var graceOver = CancellationTokenSource.CreateLinkedTokenSource(stopping.Token);
        var grace = Task.Delay(Options.TimeoutGracePeriod, Time, graceOver.Token);
        var first = await Task.WhenAny(action, grace).ConfigureAwait(false);
        await graceOver.CancelAsync().ConfigureAwait(false);
        stopping.Token.ThrowIfCancellationRequested();
        return first == action;
    }

    /// <summary>Holds an abandoned try's task as executing until its action returns (or the engine stops), so a clear
    /// starts the next try only then. Its slot is already given back: holding it could starve every other DAG for good.</summary>
    private async Task OutliveAsync(Task action, RunKey run, string task)
    {
        try
        {
            await action.WaitAsync(stopping.Token).ConfigureAwait(false);
            log.LogWarning("the abandoned try of task {Task} of {Run} has returned; the task can run again", task, run);
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // Stopping: the process ends the action with it.
        }
        catch (Exception ex)
        {
            log.LogWarning("the abandoned try of task {Task} of {Run} has returned: {Error}", task, run, ex.Message);
        }
    }

    /// <summary>Pokes a sensor's check until it holds. Each check runs as a try's action (<see cref="RunActionAsync"/>),
    /// with a token that sees the sensor's timeout, so a timed-out sensor is over only once its check has returned.</summary>
    private async Task SenseAsync(DagRunInfo run, DagTask task, TaskContext context, ILogger taskLog, Action<Task> abandon,
        CancellationToken cancellationToken, CancellationToken runToken)
    {
        var pokes = 0;
        try
        {
            await TaskPipelines.ForSensor(task, context.Time).ExecuteAsync(async token =>
            {
                pokes++;
                var met = await RunActionAsync(run, task, context.WithCancellation(token), abandon, token, runToken).ConfigureAwait(false);
                taskLog.LogInformation("poke {Poke}: condition {Result}", pokes, met ? "met" : "not met");
                return met;
            }, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutRejectedException)
        {
            throw new SensorTimeoutException(task.Name, task.SensorTimeout, pokes);
        }
    }
}
