using Emporium.Orchestration;

namespace Emporium.Tests.Orchestration;

public class DagEnginePausingTests
{
    // 2024-01-06T01:00Z: the daily intervals of 01-01 … 01-05 have ended.
    private static readonly DateTimeOffset Now = new(2024, 1, 6, 1, 0, 0, TimeSpan.Zero);

    private static Dag Daily(bool catchup) =>
        Dag.Create("daily").Schedule("@daily").StartDate(new DateOnly(2024, 1, 1)).Catchup(catchup).Task("work", _ => Task.CompletedTask);

    private static OrchestratorOptions Scheduling(bool pausedAtCreation = true) => new() { DagsArePausedAtCreation = pausedAtCreation };

    [Fact]
    public async Task A_new_dag_starts_paused_runs_by_hand_and_is_scheduled_once_unpaused()
    {
        await using var h = new EngineHarness([Daily(catchup: false)], Scheduling(), Now).Start();
        Assert.True(h.Engine.IsPaused("daily"));
        Assert.True(h.Store.GetDagState("daily")!.Paused);

        var manual = h.Engine.Trigger("daily", EngineHarness.Day(2024, 1, 3));
        Assert.Equal(RunState.Success, (await h.RunToEnd(manual.Key)).State);
        Assert.DoesNotContain(h.Store.Runs("daily"), r => r.RunType == RunTypes.Scheduled);

        var state = h.Engine.SetPaused("daily", paused: false);
        Assert.False(state.Paused);
        var latest = new RunKey("daily", EngineHarness.Day(2024, 1, 5));
        Assert.Equal(RunState.Success, (await h.RunToEnd(latest)).State);
        Assert.Equal(["2024-01-03", "2024-01-05"], h.Store.Runs("daily").Select(r => r.Key.Ds));
    }

    [Fact]
    public async Task Unpausing_with_catchup_runs_every_interval_missed_while_paused()
    {
        await using var h = new EngineHarness([Daily(catchup: true)], Scheduling(), Now).Start();
        h.Engine.SetPaused("daily", paused: false);
        await h.Until(() => h.Store.Runs("daily").Count(r => r.State == RunState.Success) == 5);

        h.Engine.SetPaused("daily", paused: true);
        h.Clock.SetUtcNow(Now + TimeSpan.FromDays(3));
        var probe = h.Engine.Trigger("daily", EngineHarness.Day(2023, 12, 1));
        await h.RunToEnd(probe.Key);
        Assert.Equal(5, h.Store.Runs("daily").Count(r => r.RunType == RunTypes.Scheduled));

        h.Engine.SetPaused("daily", paused: false);
        var last = new RunKey("daily", EngineHarness.Day(2024, 1, 8));
        await h.RunToEnd(last);
        Assert.Equal(["2024-01-01", "2024-01-02", "2024-01-03", "2024-01-04", "2024-01-05", "2024-01-06", "2024-01-07", "2024-01-08"],
            h.Store.Runs("daily").Where(r => r.RunType == RunTypes.Scheduled).Select(r => r.Key.Ds));
    }

    [Fact]
    public async Task The_switch_survives_a_restart_and_a_changed_default_does_not_flip_it()
    {
        await using var h = new EngineHarness([Daily(catchup: false)], Scheduling(pausedAtCreation: false), Now).Start();
        await h.RunToEnd(new RunKey("daily", EngineHarness.Day(2024, 1, 5)));
        h.Engine.SetPaused("daily", paused: true);

        h.Clock.SetUtcNow(Now + TimeSpan.FromDays(1));
        await h.RestartAsync();
        Assert.True(h.Engine.IsPaused("daily"));
        var probe = h.Engine.Trigger("daily", EngineHarness.Day(2023, 12, 1));
        await h.RunToEnd(probe.Key);
        Assert.Null(h.Store.GetRun(new RunKey("daily", EngineHarness.Day(2024, 1, 6))));
    }

    [Fact]
    public async Task A_dag_with_scheduled_runs_from_before_the_switch_stays_scheduled()
    {
        await using var h = new EngineHarness([Daily(catchup: false)], Scheduling(), Now);
        var old = new DagRunInfo("daily", EngineHarness.Day(2024, 1, 4), "scheduled__2024-01-04", RunTypes.Scheduled, RunState.Success,
            new Dictionary<string, string?>(), EngineHarness.Day(2024, 1, 5), EngineHarness.Day(2024, 1, 5), EngineHarness.Day(2024, 1, 5), 1);
        h.Store.Save(old);
        h.Start();

        Assert.False(h.Engine.IsPaused("daily"));
        Assert.Equal(RunState.Success, (await h.RunToEnd(new RunKey("daily", EngineHarness.Day(2024, 1, 5)))).State);
    }

    [Fact]
    public async Task Pausing_an_unknown_dag_names_it()
    {
        await using var h = new EngineHarness([Daily(catchup: false)], Scheduling(), Now).Start();
        var error = Assert.Throws<DagNotFoundException>(() => h.Engine.SetPaused("nope", paused: true));
        Assert.Contains("nope", error.Message);
    }
}
