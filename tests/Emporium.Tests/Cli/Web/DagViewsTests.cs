using System.Text.Json;
using Emporium.Cli.Web;
using Emporium.Orchestration;
using Emporium.Tests.Orchestration;

namespace Emporium.Tests.Cli.Web;

/// <summary>An abandoned try (it ignored its cancellation past the grace period) was shown as an ordinary failed task:
/// only its error text said its code may still be running.</summary>
public class DagViewsTests
{
    private static readonly RunKey Day1 = new("d", EngineHarness.Day(2024, 1, 1));

    private static JsonElement TaskOf(object view, string task) =>
        JsonSerializer.SerializeToElement(view).GetProperty("tasks").EnumerateArray().Single(t => t.GetProperty("task").GetString() == task);

    [Fact]
    public async Task A_failed_task_whose_abandoned_try_still_runs_is_shown_still_running_until_its_code_returns()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var limit = TimeSpan.FromSeconds(30);
        var dag = Dag.Create("d")
            .Task("slow", _ => release.Task, t => t.Timeout(limit))
            .Task("fast", _ => Task.CompletedTask);
        await using var h = new EngineHarness([dag], new OrchestratorOptions { TimeoutGracePeriod = TimeSpan.Zero }).Start();
        h.Engine.Trigger("d", Day1.LogicalDate);
        await h.Until(() => h.Task(Day1, "slow")?.State == TaskState.Running);
        await h.Clock.WaitForTimerAsync(h.Clock.GetUtcNow() + limit, h.Guard);
        h.Clock.Advance(limit);
        var run = await h.RunToEnd(Day1);

        var view = DagViews.Run(run, dag, h.Store, engine: h.Engine);
        Assert.Equal("failed", TaskOf(view, "slow").GetProperty("state").GetString());
        Assert.True(TaskOf(view, "slow").GetProperty("stillRunning").GetBoolean());
        Assert.False(TaskOf(view, "fast").GetProperty("stillRunning").GetBoolean());
        // A reader without the engine (the CLI on the store alone) cannot tell.
        Assert.Equal(JsonValueKind.Null, TaskOf(DagViews.Run(run, dag, h.Store), "slow").GetProperty("stillRunning").ValueKind);

        release.SetResult();
        await h.Until(() => !h.Engine.IsExecuting(Day1, "slow"));
        Assert.False(TaskOf(DagViews.Run(run, dag, h.Store, engine: h.Engine), "slow").GetProperty("stillRunning").GetBoolean());
    }
}
