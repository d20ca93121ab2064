using Emporium.Orchestration;

namespace Emporium.Tests.Orchestration;

public class DagEngineRecoveryTests
{
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
        await using var h = new EngineHarness([hanging]).Start();
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

    public sealed class Counter
    {
        private int value;

        public int Value => Volatile.Read(ref value);

        public void Increment() => Interlocked.Increment(ref value);
    }
}
