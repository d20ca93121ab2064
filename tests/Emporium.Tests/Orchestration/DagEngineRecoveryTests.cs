using Emporium.Orchestration;

namespace Emporium.Tests.Orchestration;

public class DagEngineRecoveryTests
{
    /// <summary>A clock past 2024-05-01, the day these tests run: a logical date after now is refused.</summary>
    private static readonly DateTimeOffset AfterMay1 = new(2024, 5, 2, 0, 0, 0, TimeSpan.Zero);

    private static Dag Pipeline(Counter first, Func<TaskContext, Task> second) =>
        Dag.Create("p")
            .Task("first", ctx =>
            {
                first.Increment();
                ctx.Push("rows", 42);
                return Task.CompletedTask;
            })
            .Task("second", second).DependsOn("first");

    [Fact]
    public async Task A_stopped_engine_resumes_retrying_the_interrupted_task_without_rerunning_finished_ones()
    {
        var firsts = new Counter();
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var hanging = Pipeline(firsts, async ctx =>
        {
            started.TrySetResult();
            await Task.Delay(Timeout.InfiniteTimeSpan, ctx.CancellationToken);
        });
        await using var h = new EngineHarness([hanging], now: AfterMay1).Start();
        var key = h.Engine.Trigger("p", EngineHarness.Day(2024, 5, 1)).Key;
        await started.Task.WaitAsync(h.Guard);

        var pulled = 0;
        await h.RestartAsync([Pipeline(firsts, ctx =>
        {
            pulled = ctx.Pull<int>("first", "rows");
            return Task.CompletedTask;
        })]);
        Assert.Equal(RunState.Success, (await h.RunToEnd(key)).State);

        Assert.Equal(1, firsts.Value);
        Assert.Equal(42, pulled);
        Assert.Equal([TryStates.Interrupted, TryStates.Success], h.Tries(key, "second").Select(t => t.State));
        Assert.Equal(0, h.Task(key, "second")!.Failures);
        Assert.Single(h.Tries(key, "first"));
    }

    private static Dag FailsOnce(Counter attempts) =>
        Dag.Create("p").Task("flaky", _ =>
        {
            attempts.Increment();
            return attempts.Value == 1 ? throw new IOException("connection reset") : Task.CompletedTask;
        }, t => t.Retries(1, TimeSpan.FromMinutes(5)));

    [Fact]
    public async Task A_task_waiting_for_its_retry_when_stopped_retries_after_the_rest_of_its_delay()
    {
        var attempts = new Counter();
        await using var h = new EngineHarness([FailsOnce(attempts)], now: AfterMay1).Start();
        var key = h.Engine.Trigger("p", EngineHarness.Day(2024, 5, 1)).Key;
        await h.Until(() => h.Task(key, "flaky")?.State == TaskState.UpForRetry);
        var due = h.Task(key, "flaky")!.NextTryAt!.Value;
        Assert.Equal(h.Clock.GetUtcNow().UtcDateTime + TimeSpan.FromMinutes(5), due);

        h.Clock.Advance(TimeSpan.FromMinutes(2));
        h.Clock.ForgetTimers();
        await h.RestartAsync();
        Assert.Equal(TaskState.UpForRetry, h.Task(key, "flaky")!.State);
        Assert.Equal(due, h.Task(key, "flaky")!.NextTryAt);
        await h.Clock.WaitForTimerAsync(due, h.Guard);

        h.Clock.Advance(TimeSpan.FromMinutes(3) - TimeSpan.FromSeconds(1));
        Assert.Equal(1, attempts.Value);
        Assert.Equal(TaskState.UpForRetry, h.Task(key, "flaky")!.State);

        h.Clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(RunState.Success, (await h.RunToEnd(key)).State);
        var tries = h.Tries(key, "flaky");
        Assert.Equal([TryStates.Failed, TryStates.Success], tries.Select(t => t.State));
        Assert.Equal(due, tries[1].StartedAt);
        Assert.Equal(2, attempts.Value);
    }

    [Fact]
    public async Task A_retry_whose_delay_passed_while_no_process_ran_starts_at_restart()
    {
        var attempts = new Counter();
        await using var h = new EngineHarness([FailsOnce(attempts)], now: AfterMay1).Start();
        var key = h.Engine.Trigger("p", EngineHarness.Day(2024, 5, 1)).Key;
        await h.Until(() => h.Task(key, "flaky")?.State == TaskState.UpForRetry);
        var due = h.Task(key, "flaky")!.NextTryAt!.Value;

        h.Clock.Advance(TimeSpan.FromMinutes(7));
        await h.RestartAsync();

        Assert.Equal(RunState.Success, (await h.RunToEnd(key)).State);
        var tries = h.Tries(key, "flaky");
        Assert.Equal([TryStates.Failed, TryStates.Success], tries.Select(t => t.State));
        Assert.Equal(due + TimeSpan.FromMinutes(2), tries[1].StartedAt);
    }

    /// <summary>A task that takes the process down (out of memory on a huge partition) was tried again at every start,
    /// for ever: an interruption spends no retry, so the server went down again each time it came up. After
    /// MaxTaskInterruptions interruptions in a row the task fails, naming them, and its downstream does not run.</summary>
    [Fact]
    public async Task A_task_interrupted_at_every_start_fails_after_the_limit_instead_of_looping()
    {
        var starts = new Counter();
        using var started = new SemaphoreSlim(0);
        var downstream = new Counter();
        Dag Crashing() => Dag.Create("p")
            .Task("huge", async ctx =>
            {
                starts.Increment();
                started.Release();
                await Task.Delay(Timeout.InfiniteTimeSpan, ctx.CancellationToken);
            }, t => t.Retries(2, TimeSpan.FromMinutes(1)))
            .Task("after", _ =>
            {
                downstream.Increment();
                return Task.CompletedTask;
            }).DependsOn("huge");
        await using var h = new EngineHarness([Crashing()], new OrchestratorOptions { Scheduling = false, MaxTaskInterruptions = 3 }, AfterMay1).Start();
        var key = h.Engine.Trigger("p", EngineHarness.Day(2024, 5, 1)).Key;

        for (var start = 1; start <= 3; start++)
        {
            await started.WaitAsync(h.Guard);
            await h.RestartAsync();
        }

        Assert.Equal(RunState.Failed, (await h.RunToEnd(key)).State);
        Assert.Equal(3, starts.Value);
        var huge = h.Task(key, "huge")!;
        Assert.Equal(TaskState.Failed, huge.State);
        Assert.Equal("the process stopped during each of its last 3 tries (Orchestrator:MaxTaskInterruptions); clear it to try again", huge.Error);
        Assert.Equal([TryStates.Interrupted, TryStates.Interrupted, TryStates.Interrupted], h.Tries(key, "huge").Select(t => t.State));
        Assert.Equal(TaskState.UpstreamFailed, h.Task(key, "after")!.State);
        Assert.Equal(0, downstream.Value);

        // Cleared, it gets the whole allowance again: one more interruption only tries it again.
        h.Engine.Clear("p", key.LogicalDate);
        await started.WaitAsync(h.Guard);
        await h.RestartAsync();
        await started.WaitAsync(h.Guard);
        Assert.Equal(5, starts.Value);
        Assert.Equal(TaskState.Running, h.Task(key, "huge")!.State);
    }

    public sealed class Counter
    {
        private int value;

        public int Value => Volatile.Read(ref value);

        public void Increment() => Interlocked.Increment(ref value);
    }
}
