using Emporium.Orchestration;

namespace Emporium.Tests.Orchestration;

/// <summary>A timed-out try whose code is slow to honour (or ignores) its cancellation: the engine used to stop waiting
/// for it and start its retry (and let its state leave running) while its code was still writing, so two tries of the
/// same task ran at once.</summary>
public class DagEngineTimeoutTests
{
    private static readonly RunKey Day1 = new("d", EngineHarness.Day(2024, 1, 1));
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan Grace = new OrchestratorOptions().TimeoutGracePeriod;

    /// <summary>A task whose first try keeps running after its token is cancelled until <see cref="Release"/>.</summary>
    private sealed class Stubborn
    {
        private readonly TaskCompletionSource release = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int attempts;
        private int running;

        public TaskCompletionSource Cancelled { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource FirstStarted { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource SecondStarted { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public int Attempts => Volatile.Read(ref attempts);

        public bool Overlapped { get; private set; }

        public void Release() => release.TrySetResult();

        public async Task Run(TaskContext ctx)
        {
            if (Interlocked.Increment(ref running) > 1)
            {
                Overlapped = true;
            }
            try
            {
                if (Interlocked.Increment(ref attempts) == 1)
                {
                    using var _ = ctx.CancellationToken.Register(() => Cancelled.TrySetResult());
                    FirstStarted.TrySetResult();
                    // Finishes its write whatever the token says.
                    await release.Task;
                }
                else
                {
                    SecondStarted.TrySetResult();
                }
            }
            finally
            {
                Interlocked.Decrement(ref running);
            }
        }
    }

    /// <summary>Cancels the run by hand while the first try ignores it: the engine must hold the task as executing
    /// through the grace period, or (the defect) it lets the task go while its code runs.</summary>
    private static async Task CancelByHandAndExpectTheTryHeld(EngineHarness h, Stubborn stub, string taskId)
    {
        var cancelledAt = h.Clock.GetUtcNow();
        Assert.Equal(RunState.Failed, h.Engine.Cancel("d", Day1.LogicalDate).State);
        await stub.Cancelled.Task.WaitAsync(h.Guard);
        await Task.WhenAny(h.Until(() => !h.Engine.IsExecuting(Day1, taskId)), h.Clock.WaitForTimerAsync(cancelledAt + Grace, h.Guard)).Unwrap();
        Assert.True(h.Engine.IsExecuting(Day1, taskId), "the cancelled try was let go while its code was still running");
    }

    /// <summary>A clear is taken while the first try still runs, but the new try starts only once it has returned.</summary>
    private static async Task ClearAndExpectOneMoreTryAlone(EngineHarness h, Stubborn stub, string taskId)
    {
        h.Engine.Clear("d", Day1.LogicalDate, taskId);
        Assert.True(h.Engine.IsExecuting(Day1, taskId));
        Assert.Equal(1, stub.Attempts);
        await ReleaseAndExpectOneMoreTryAlone(h, stub);
    }

    /// <summary>Lets the first try return, then the run ends with the second try run alone after it.</summary>
    private static async Task ReleaseAndExpectOneMoreTryAlone(EngineHarness h, Stubborn stub)
    {
        stub.Release();
        Assert.Equal(RunState.Success, (await h.RunToEnd(Day1)).State);
        Assert.False(stub.Overlapped);
        Assert.Equal(2, stub.Attempts);
    }

    private static async Task<DateTimeOffset> TimeOutFirstTry(EngineHarness h, Stubborn task)
    {
        await h.Until(() => h.Task(Day1, "slow")?.State == TaskState.Running);
        var started = h.Clock.GetUtcNow();
        await h.Clock.WaitForTimerAsync(started + Limit, h.Guard);
        h.Clock.Advance(Limit);
        await task.Cancelled.Task.WaitAsync(h.Guard);
        return h.Clock.GetUtcNow();
    }

    [Fact]
    public async Task The_retry_of_a_timed_out_try_waits_until_that_try_returned()
    {
        var task = new Stubborn();
        var dag = Dag.Create("d")
            .Task("slow", task.Run, t => t.Timeout(Limit).Retries(1, TimeSpan.Zero))
            .Task("after", _ => Task.CompletedTask).DependsOn("slow");
        await using var h = new EngineHarness([dag]).Start();
        h.Engine.Trigger("d", Day1.LogicalDate);

        var timedOutAt = await TimeOutFirstTry(h, task);
        // Either the engine waits out the try's grace period, or (the defect) the retry runs beside the first try.
        await Task.WhenAny(task.SecondStarted.Task, h.Clock.WaitForTimerAsync(timedOutAt + Grace, h.Guard)).Unwrap();
        Assert.False(task.SecondStarted.Task.IsCompleted, "the retry started while the timed-out try was still running");
        Assert.Equal(TaskState.Running, h.Task(Day1, "slow")!.State);
        Assert.Equal(TaskState.None, h.Task(Day1, "after")?.State ?? TaskState.None);

        await ReleaseAndExpectOneMoreTryAlone(h, task);
        var tries = h.Tries(Day1, "slow");
        Assert.Equal([TryStates.Failed, TryStates.Success], tries.Select(t => t.State));
        Assert.Equal($"timed out after {Limit}", tries[0].Error);
        Assert.Equal(TaskState.Success, h.Task(Day1, "after")!.State);
    }

    [Fact]
    public async Task A_try_that_ignores_its_cancellation_past_the_grace_period_fails_without_retry_and_blocks_its_clear()
    {
        var task = new Stubborn();
        var dag = Dag.Create("d")
            .Task("slow", task.Run, t => t.Timeout(Limit).Retries(2, TimeSpan.Zero))
            .Task("after", _ => Task.CompletedTask).DependsOn("slow");
        await using var h = new EngineHarness([dag]).Start();
        h.Engine.Trigger("d", Day1.LogicalDate);

        var timedOutAt = await TimeOutFirstTry(h, task);
        await h.Clock.WaitForTimerAsync(timedOutAt + Grace, h.Guard);
        h.Clock.Advance(Grace);

        Assert.Equal(RunState.Failed, (await h.RunToEnd(Day1)).State);
        var failed = Assert.Single(h.Tries(Day1, "slow"));
        Assert.Equal(TryStates.Failed, failed.State);
        Assert.Contains("slow", failed.Error, StringComparison.Ordinal);
        Assert.Contains("ignored its cancellation", failed.Error, StringComparison.Ordinal);
        Assert.Equal(TaskState.Failed, h.Task(Day1, "slow")!.State);
        Assert.Equal(TaskState.UpstreamFailed, h.Task(Day1, "after")!.State);
        Assert.Contains("ignored its cancellation", h.Store.ReadLog(Day1, "slow"), StringComparison.Ordinal);

        await ClearAndExpectOneMoreTryAlone(h, task, "slow");
    }

    /// <summary>A run cancelled by hand ended at once, but its try's code kept running: a clear right after started the
    /// task again beside it.</summary>
    [Fact]
    public async Task A_clear_after_a_cancel_by_hand_starts_the_task_only_once_its_cancelled_try_returned()
    {
        var task = new Stubborn();
        var dag = Dag.Create("d").Task("slow", task.Run);
        await using var h = new EngineHarness([dag]).Start();
        h.Engine.Trigger("d", Day1.LogicalDate);
        await h.Until(() => h.Task(Day1, "slow")?.State == TaskState.Running);

        await CancelByHandAndExpectTheTryHeld(h, task, "slow");

        await ClearAndExpectOneMoreTryAlone(h, task, "slow");
        Assert.Equal(DagEngine.CancelledByHand, h.Tries(Day1, "slow")[0].Error);
    }

    /// <summary>A sensor's check was waited for with <c>WaitAsync</c> on the sensor's timeout (and its context's token
    /// did not even see that timeout): the sensor failed while its check still ran, and a clear started a new check
    /// beside it.</summary>
    [Fact]
    public async Task A_sensor_check_that_ignores_its_cancellation_past_the_grace_period_fails_the_sensor_and_blocks_its_clear()
    {
        var check = new Stubborn();
        var dag = Dag.Create("d")
            .Sensor("wait", async ctx =>
            {
                await check.Run(ctx);
                return true;
            }, poke: TimeSpan.FromSeconds(5), timeout: Limit)
            .Task("after", _ => Task.CompletedTask).DependsOn("wait");
        await using var h = new EngineHarness([dag]).Start();
        h.Engine.Trigger("d", Day1.LogicalDate);
        await h.Until(() => h.Task(Day1, "wait")?.State == TaskState.Running);
        var started = h.Clock.GetUtcNow();
        await h.Clock.WaitForTimerAsync(started + Limit, h.Guard);
        h.Clock.Advance(Limit);
        var timedOutAt = h.Clock.GetUtcNow();

        // Either the engine waits out the check's grace period, or (the defect) the sensor's try ends beside its check.
        await Task.WhenAny(h.Until(() => h.Task(Day1, "wait")!.State != TaskState.Running), h.Clock.WaitForTimerAsync(timedOutAt + Grace, h.Guard)).Unwrap();
        Assert.Equal(TaskState.Running, h.Task(Day1, "wait")!.State);
        Assert.True(check.Cancelled.Task.IsCompleted, "the check's token did not see the sensor's timeout");
        h.Clock.Advance(Grace);

        Assert.Equal(RunState.Failed, (await h.RunToEnd(Day1)).State);
        var failed = Assert.Single(h.Tries(Day1, "wait"));
        Assert.Equal(TryStates.Failed, failed.State);
        Assert.Contains($"task wait timed out after {Limit} and ignored its cancellation", failed.Error, StringComparison.Ordinal);
        Assert.Equal(TaskState.UpstreamFailed, h.Task(Day1, "after")!.State);

        await ClearAndExpectOneMoreTryAlone(h, check, "wait");
    }

    [Fact]
    public async Task A_clear_after_a_cancel_by_hand_starts_a_sensor_only_once_its_cancelled_check_returned()
    {
        var check = new Stubborn();
        var dag = Dag.Create("d").Sensor("wait", async ctx =>
        {
            await check.Run(ctx);
            return true;
        }, poke: TimeSpan.FromSeconds(5), timeout: Limit);
        await using var h = new EngineHarness([dag]).Start();
        h.Engine.Trigger("d", Day1.LogicalDate);
        // The check itself must be running: a sensor cancelled before its first check never starts it.
        await check.FirstStarted.Task.WaitAsync(h.Guard);

        await CancelByHandAndExpectTheTryHeld(h, check, "wait");

        await ClearAndExpectOneMoreTryAlone(h, check, "wait");
    }

    /// <summary>A check already running when the sensor's timeout fired that then finds the condition met (within the
    /// grace period): the condition holds, which is all the sensor waits for (as in Airflow, where a poke's result is
    /// looked at before the timeout). The sensor was failed "timed out" and its downstream marked upstream_failed.
    /// A check that then finds it not met still times the sensor out.</summary>
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_sensor_check_that_returns_during_the_grace_period_decides_the_sensor_by_its_answer(bool met)
    {
        var check = new Stubborn();
        var dag = Dag.Create("d")
            .Sensor("wait", async ctx =>
            {
                await check.Run(ctx);
                return check.Attempts > 1 || met;
            }, poke: TimeSpan.FromSeconds(5), timeout: Limit)
            .Task("after", _ => Task.CompletedTask).DependsOn("wait");
        await using var h = new EngineHarness([dag]).Start();
        h.Engine.Trigger("d", Day1.LogicalDate);
        await check.FirstStarted.Task.WaitAsync(h.Guard);
        var started = h.Clock.GetUtcNow();
        await h.Clock.WaitForTimerAsync(started + Limit, h.Guard);
        h.Clock.Advance(Limit);
        await check.Cancelled.Task.WaitAsync(h.Guard);

        check.Release();
        var run = await h.RunToEnd(Day1);

        var only = Assert.Single(h.Tries(Day1, "wait"));
        Assert.Equal(1, check.Attempts);
        if (met)
        {
            Assert.Equal(RunState.Success, run.State);
            Assert.Equal(TryStates.Success, only.State);
            Assert.Equal(TaskState.Success, h.Task(Day1, "after")!.State);
        }
        else
        {
            Assert.Equal(RunState.Failed, run.State);
            Assert.StartsWith($"sensor 'wait' timed out after {Limit}", only.Error, StringComparison.Ordinal);
            Assert.Equal(TaskState.UpstreamFailed, h.Task(Day1, "after")!.State);
        }
    }

    [Fact]
    public async Task A_sensor_check_sees_the_sensor_timeout_on_its_token_and_the_sensor_fails_once_it_returned()
    {
        var stopped = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var dag = Dag.Create("d").Sensor("wait", async ctx =>
        {
            try
            {
                await Task.Delay(Timeout.InfiniteTimeSpan, ctx.CancellationToken);
                return true;
            }
            finally
            {
                stopped.TrySetResult();
            }
        }, poke: TimeSpan.FromSeconds(5), timeout: Limit);
        await using var h = new EngineHarness([dag]).Start();
        h.Engine.Trigger("d", Day1.LogicalDate);
        await h.Until(() => h.Task(Day1, "wait")?.State == TaskState.Running);
        var started = h.Clock.GetUtcNow();
        await h.Clock.WaitForTimerAsync(started + Limit, h.Guard);
        h.Clock.Advance(Limit);

        Assert.Equal(RunState.Failed, (await h.RunToEnd(Day1)).State);
        Assert.True(stopped.Task.IsCompleted, "the sensor failed while its check was still running");
        Assert.StartsWith($"sensor 'wait' timed out after {Limit}", Assert.Single(h.Tries(Day1, "wait")).Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Shutdown_completes_while_a_timed_out_try_ignores_its_cancellation()
    {
        var task = new Stubborn();
        var dag = Dag.Create("d").Task("slow", task.Run, t => t.Timeout(Limit).Retries(1, TimeSpan.Zero));
        await using var h = new EngineHarness([dag]).Start();
        h.Engine.Trigger("d", Day1.LogicalDate);
        var timedOutAt = await TimeOutFirstTry(h, task);
        await h.Clock.WaitForTimerAsync(timedOutAt + Grace, h.Guard);

        await h.Engine.DisposeAsync().AsTask().WaitAsync(h.Guard);

        Assert.Equal(1, task.Attempts);
        task.Release();
    }

    [Fact]
    public async Task Shutdown_completes_while_an_abandoned_try_still_runs()
    {
        var task = new Stubborn();
        var dag = Dag.Create("d").Task("slow", task.Run, t => t.Timeout(Limit));
        await using var h = new EngineHarness([dag]).Start();
        h.Engine.Trigger("d", Day1.LogicalDate);
        var timedOutAt = await TimeOutFirstTry(h, task);
        await h.Clock.WaitForTimerAsync(timedOutAt + Grace, h.Guard);
        h.Clock.Advance(Grace);
        Assert.Equal(RunState.Failed, (await h.RunToEnd(Day1)).State);

        await h.Engine.DisposeAsync().AsTask().WaitAsync(h.Guard);

        Assert.Equal(1, task.Attempts);
        task.Release();
    }
}
