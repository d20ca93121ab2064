using System.Text.Json;
using Emporium.Cli.Web;
using Emporium.Orchestration;
using Emporium.Tests.Orchestration;
using Emporium.Tests.TestSupport;

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

    /// <summary>A DAG scheduled every minute has half a million runs within a year: the list read every run of every DAG
    /// (the unloaded DAGs' active runs were found by reading all of them) to show each DAG's latest one.</summary>
    [Fact]
    public void The_dag_list_of_a_dag_with_many_runs_shows_its_latest_run_and_last_start_from_a_bounded_read()
    {
        using var dir = new TempDir("views");
        var start = EngineHarness.Day(2024, 1, 1);
        const int Minutes = 50_000;
        DagRunInfo RunOf(string dag, DateTime date, string type, RunState state, DateTime started) =>
            new(dag, date, $"{type}__{date:O}", type, state, new Dictionary<string, string?>(), started, started, state.IsTerminal() ? started : null, 1);
        var runs = Enumerable.Range(0, Minutes).Select(i => start.AddMinutes(i))
            .Select(date => RunOf("m", date, RunTypes.Scheduled, RunState.Success, date.AddMinutes(1))).ToList();
        var newest = runs[^1];
        // Then a backfill of older days, started after the newest run.
        var backfillStart = newest.StartedAt!.Value.AddHours(1);
        runs.Add(RunOf("m", start.AddDays(-2), RunTypes.Backfill, RunState.Failed, backfillStart));
        runs.Add(RunOf("m", start.AddDays(-1), RunTypes.Backfill, RunState.Running, backfillStart.AddMinutes(5)));
        // And a run left active by a DAG whose definition is gone.
        runs.Add(RunOf("gone", start, RunTypes.Manual, RunState.Running, start));
        File.WriteAllLines(Path.Combine(dir.Path, "journal.jsonl"),
            runs.Select(r => JsonSerializer.Serialize(new JournalLine { Run = r }, JournalLine.Json)));
        using var store = OrchestratorStore.Open(dir.Path);
        var dag = Dag.Create("m").Schedule("* * * * *").Task("t", _ => Task.CompletedTask);
        var registry = new DagRegistry([dag]);

        var before = store.RunsRead;
        var listed = JsonSerializer.SerializeToElement(DagViews.Dag(dag, store, pausedByDefault: false));
        var unloaded = UnloadedDag.Find(registry, store);
        var page = store.RunsNewestFirst("m", 0, 3);
        var read = store.RunsRead - before;

        // The latest run (1) and the active run of the unloaded DAG (1, the backfill's running day is also read), the
        // page (3): not the 50,000 others.
        Assert.InRange(read, 1, 6);
        Assert.Equal(newest.Key.DateText, listed.GetProperty("lastRun").GetProperty("ds").GetString());
        Assert.Equal("success", listed.GetProperty("lastRun").GetProperty("state").GetString());
        Assert.Equal(backfillStart.AddMinutes(5), listed.GetProperty("lastStartedAt").GetDateTime());
        Assert.Equal(Minutes + 2, listed.GetProperty("runCounts").GetProperty("total").GetInt32());
        Assert.Equal(Minutes, listed.GetProperty("runCounts").GetProperty("success").GetInt32());
        Assert.Equal(1, listed.GetProperty("runCounts").GetProperty("failed").GetInt32());
        Assert.Equal(1, listed.GetProperty("runCounts").GetProperty("running").GetInt32());
        var gone = Assert.Single(unloaded);
        Assert.Equal(("gone", "missing"), (gone.Name, gone.Status));
        Assert.Equal([new RunKey("gone", start)], gone.ActiveRuns);
        Assert.Equal(runs.Take(Minutes).Reverse().Take(3).Select(r => r.Key), page.Select(r => r.Key));
    }
}
