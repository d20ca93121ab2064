using Emporium.Orchestration;

namespace Emporium.Tests.Orchestration;

public class DagEngineCancellingTests
{
    /// <summary>A running try is stopped through its token, it and the task that had not started fail as cancelled, and
    /// the run ends failed; re-triggering the day runs it again from the start.</summary>
    [Fact]
    public async Task Cancelling_a_running_run_stops_its_try_and_fails_every_task_not_ended()
    {
        var stopped = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var hold = true;
        var loads = 0;
        var dag = Dag.Create("c")
            .Task("extract", _ => Task.CompletedTask)
            .Task("wait", async ctx =>
            {
                if (Volatile.Read(ref hold))
                {
                    await using var _ = ctx.CancellationToken.Register(() => stopped.TrySetResult());
                    await Task.Delay(Timeout.Infinite, ctx.CancellationToken);
                }
            }).DependsOn("extract")
            .Task("load", _ =>
            {
                Interlocked.Increment(ref loads);
                return Task.CompletedTask;
            }).DependsOn("wait");
        await using var h = new EngineHarness([dag]).Start();
        var day = EngineHarness.Day(2024, 1, 1);
        var run = h.Engine.Trigger("c", day);
        await h.Until(() => h.Task(run.Key, "wait") is { State: TaskState.Running });

        var cancelled = h.Engine.Cancel("c", day);

        Assert.Equal(RunState.Failed, cancelled.State);
        await stopped.Task.WaitAsync(h.Guard);
        Assert.Equal(TaskState.Success, h.Task(run.Key, "extract")!.State);
        Assert.Equal((TaskState.Failed, DagEngine.CancelledByHand), (h.Task(run.Key, "wait")!.State, h.Task(run.Key, "wait")!.Error));
        Assert.Equal((TaskState.Failed, DagEngine.CancelledByHand), (h.Task(run.Key, "load")!.State, h.Task(run.Key, "load")!.Error));
        var tryOfWait = Assert.Single(h.Tries(run.Key, "wait"));
        Assert.Equal((TryStates.Failed, DagEngine.CancelledByHand), (tryOfWait.State, tryOfWait.Error));
        Assert.Empty(h.Tries(run.Key, "load"));
        var again = Assert.Throws<RunConflictException>(() => h.Engine.Cancel("c", day));
        Assert.Contains("is not active (it failed); there is nothing to cancel", again.Message);
        Assert.Throws<KeyNotFoundException>(() => h.Engine.Cancel("c", day.AddDays(1)));

        // Once its try has let go, the stopped task does not come back to record anything over the cancellation.
        await h.Until(() => !h.Engine.IsExecuting(run.Key, "wait"));
        Assert.Equal(TaskState.Failed, h.Store.GetTask(run.Key, "wait")!.State);
        Assert.Equal(RunState.Failed, h.Store.GetRun(run.Key)!.State);
        Assert.Equal(0, loads);

        Volatile.Write(ref hold, false);
        var rerun = h.Engine.Trigger("c", day);
        Assert.Equal(RunState.Success, (await h.RunToEnd(rerun.Key)).State);
        Assert.Equal(2, h.Store.GetRun(run.Key)!.Attempt);
        Assert.Equal(1, loads);
    }

    /// <summary>A backfill queued by mistake is undone before its runs start: queued runs end failed with no try made.</summary>
    [Fact]
    public async Task Cancelling_every_active_run_ends_the_running_one_and_the_queued_ones_without_a_try()
    {
        var started = new List<string>();
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var dag = Dag.Create("b").Schedule("@daily").MaxActiveRuns(1).Task("t", async ctx =>
        {
            lock (started)
            {
                started.Add(ctx.DsString);
            }
            await release.Task.WaitAsync(ctx.CancellationToken);
        });
        await using var h = new EngineHarness([dag], now: new DateTimeOffset(2024, 4, 10, 0, 0, 0, TimeSpan.Zero)).Start();
        var created = h.Engine.Backfill("b", new DateOnly(2024, 4, 1), new DateOnly(2024, 4, 5)).Created;
        await h.Until(() => h.Task(created[0].Key, "t") is { State: TaskState.Running });

        var cancelled = h.Engine.CancelActive("b");

        Assert.Equal(created.Select(r => r.Key.Ds), cancelled.Select(r => r.Key.Ds));
        Assert.All(h.Store.Runs("b"), r => Assert.Equal(RunState.Failed, r.State));
        Assert.All(created.Skip(1), r => Assert.Empty(h.Tries(r.Key, "t")));
        Assert.All(created, r => Assert.Equal(DagEngine.CancelledByHand, h.Task(r.Key, "t")!.Error));
        release.TrySetResult();
        await h.Until(() => !h.Engine.IsExecuting(created[0].Key, "t"));
        lock (started)
        {
            Assert.Equal(["2024-04-01"], started);
        }
        Assert.Empty(h.Engine.CancelActive("b"));
    }

    /// <summary>A cancel by hand on a full disk: the cancel's journal lines failed and escaped the command, while its
    /// try was already withdrawn, so the try's own end was never written either and the task stayed 'running' (and the
    /// run active for nothing) until a restart. The cancel is taken at once and its lines are written once the disk
    /// has room again.</summary>
    [Fact]
    public async Task A_cancel_by_hand_the_journal_cannot_take_is_written_once_the_disk_has_room_again()
    {
        var loads = 0;
        var dag = Dag.Create("c")
            .Task("wait", ctx => Task.Delay(Timeout.Infinite, ctx.CancellationToken))
            .Task("load", _ =>
            {
                Interlocked.Increment(ref loads);
                return Task.CompletedTask;
            }).DependsOn("wait");
        await using var h = new EngineHarness([dag]).Start();
        var day = EngineHarness.Day(2024, 1, 1);
        var run = h.Engine.Trigger("c", day);
        await h.Until(() => h.Task(run.Key, "wait") is { State: TaskState.Running });
        var full = 1;
        h.Store.WriteFault = () => Volatile.Read(ref full) == 1 ? new IOException("No space left on device", 28) : null;

        var cancelled = h.Engine.Cancel("c", day);

        Assert.Equal(RunState.Failed, cancelled.State);
        await h.Until(() => !h.Engine.IsExecuting(run.Key, "wait"));
        // Nothing is recorded yet: the journal takes nothing.
        Assert.Equal(TaskState.Running, h.Task(run.Key, "wait")!.State);
        Assert.Equal(RunState.Running, h.Store.GetRun(run.Key)!.State);
        Assert.Throws<JournalWriteException>(() => h.Engine.Clear("c", day));

        Volatile.Write(ref full, 0);
        await h.Clock.WaitForTimerAsync(h.Clock.GetUtcNow() + DagEngine.JournalRetryDelay, h.Guard);
        h.Clock.Advance(DagEngine.JournalRetryDelay);
        await h.Until(() => h.Store.GetRun(run.Key)!.State == RunState.Failed);

        Assert.Equal((TaskState.Failed, DagEngine.CancelledByHand), (h.Task(run.Key, "wait")!.State, h.Task(run.Key, "wait")!.Error));
        Assert.Equal((TaskState.Failed, DagEngine.CancelledByHand), (h.Task(run.Key, "load")!.State, h.Task(run.Key, "load")!.Error));
        var tryOfWait = Assert.Single(h.Tries(run.Key, "wait"));
        Assert.Equal((TryStates.Failed, DagEngine.CancelledByHand), (tryOfWait.State, tryOfWait.Error));
        Assert.Equal(0, loads);
        Assert.Throws<RunConflictException>(() => h.Engine.Cancel("c", day));
    }
}
