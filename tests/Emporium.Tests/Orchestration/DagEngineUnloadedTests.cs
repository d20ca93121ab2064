using Emporium.Orchestration;

namespace Emporium.Tests.Orchestration;

/// <summary>Runs left active by a stopped process whose DAG has no loaded definition at the next start (its file was
/// deleted, or it no longer validates).</summary>
public class DagEngineUnloadedTests
{
    private static readonly DateTime Day = EngineHarness.Day(2024, 1, 1);

    private static Dag Hanging(TaskCompletionSource started) =>
        Dag.Create("p")
            .Task("first", _ => Task.CompletedTask)
            .Task("second", async ctx =>
            {
                started.TrySetResult();
                await Task.Delay(Timeout.InfiniteTimeSpan, ctx.CancellationToken);
            }).DependsOn("first");

    private static Dag Finishing() =>
        Dag.Create("p")
            .Task("first", _ => Task.CompletedTask)
            .Task("second", _ => Task.CompletedTask).DependsOn("first");

    private static Dag Broken() =>
        Dag.Create("p")
            .Task("first", _ => Task.CompletedTask)
            .Task("second", _ => Task.CompletedTask).DependsOn("frist");

    private static async Task<(EngineHarness Harness, RunKey Run)> StartedRunAsync()
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var h = new EngineHarness([Hanging(started), Dag.Create("other").Task("t", _ => Task.CompletedTask)]).Start();
        var key = h.Engine.Trigger("p", Day).Key;
        await started.Task.WaitAsync(h.Guard);
        return (h, key);
    }

    [Fact]
    public async Task A_run_whose_dag_was_removed_is_listed_as_missing_and_can_be_cancelled()
    {
        var (h, key) = await StartedRunAsync();
        await using var _ = h;
        await h.RestartAsync([Dag.Create("other").Task("t", _ => Task.CompletedTask)]);

        var missing = Assert.Single(h.Engine.Unloaded());
        Assert.Equal("p", missing.Name);
        Assert.Null(missing.Error);
        Assert.Equal([key], missing.ActiveRuns);
        Assert.Equal(TryStates.Interrupted, h.Tries(key, "second").Single().State);

        var cancelled = h.Engine.Cancel("p", Day);
        Assert.Equal(RunState.Failed, cancelled.State);
        Assert.Equal(RunState.Failed, h.Store.GetRun(key)!.State);
        Assert.Equal(TaskState.Success, h.Task(key, "first")!.State);
        Assert.Equal(TaskState.Failed, h.Task(key, "second")!.State);
        Assert.Equal(DagEngine.CancelledByHand, h.Task(key, "second")!.Error);
        // Nothing left active: a removed DAG with only ended runs is history, not a missing DAG.
        Assert.Empty(h.Engine.Unloaded());
        var again = Assert.Throws<RunConflictException>(() => h.Engine.Cancel("p", Day));
        Assert.Contains("not active", again.Message);
    }

    [Fact]
    public async Task A_run_whose_dag_no_longer_validates_is_listed_with_the_definition_error_and_cancelled_with_the_others()
    {
        var (h, key) = await StartedRunAsync();
        await using var _ = h;
        await h.RestartAsync([Broken(), Dag.Create("other").Task("t", _ => Task.CompletedTask)]);

        var broken = Assert.Single(h.Engine.Unloaded());
        Assert.Equal("p", broken.Name);
        Assert.Contains("depends on unknown task 'frist'", broken.Error);
        Assert.Equal([key], broken.ActiveRuns);

        var cancelled = Assert.Single(h.Engine.CancelActive("p"));
        Assert.Equal(key, cancelled.Key);
        Assert.Equal(RunState.Failed, h.Store.GetRun(key)!.State);
        // A broken DAG stays listed (by its error) though none of its runs is active.
        Assert.Empty(Assert.Single(h.Engine.Unloaded()).ActiveRuns);
    }

    [Fact]
    public async Task Running_or_clearing_a_dag_without_a_loaded_definition_is_refused_with_the_reason()
    {
        var (h, key) = await StartedRunAsync();
        await using var _ = h;
        await h.RestartAsync([Broken(), Dag.Create("other").Task("t", _ => Task.CompletedTask)]);

        var clear = Assert.Throws<DagNotFoundException>(() => h.Engine.Clear("p", Day));
        Assert.Contains("depends on unknown task 'frist'", clear.Message);
        Assert.Contains("cancel", clear.Message);
        var trigger = Assert.Throws<DagNotFoundException>(() => h.Engine.Trigger("p", EngineHarness.Day(2024, 1, 2)));
        Assert.Contains("depends on unknown task 'frist'", trigger.Message);
        Assert.Equal(RunState.Running, h.Store.GetRun(key)!.State);
    }

    [Fact]
    public async Task A_run_whose_definition_comes_back_unchanged_resumes_where_it_stopped()
    {
        var (h, key) = await StartedRunAsync();
        await using var _ = h;
        await h.RestartAsync([Broken()]);
        Assert.Single(h.Engine.Unloaded());

        await h.RestartAsync([Finishing()]);
        Assert.Empty(h.Engine.Unloaded());
        Assert.Equal(RunState.Success, (await h.RunToEnd(key)).State);
        Assert.Single(h.Tries(key, "first"));
        Assert.Equal([TryStates.Interrupted, TryStates.Success], h.Tries(key, "second").Select(t => t.State));
    }

    [Fact]
    public async Task A_cancel_of_an_unknown_dag_names_the_known_ones()
    {
        await using var h = new EngineHarness([Finishing()]).Start();
        var error = Assert.Throws<DagNotFoundException>(() => h.Engine.Cancel("nope", Day));
        Assert.Contains("no DAG named 'nope'", error.Message);
        Assert.Contains("p", error.Message);
    }
}
