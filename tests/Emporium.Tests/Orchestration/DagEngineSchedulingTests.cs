using Emporium.Orchestration;

namespace Emporium.Tests.Orchestration;

public class DagEngineSchedulingTests
{
    private static Dag Daily(string name, bool catchup, List<string> seen) =>
        Dag.Create(name).Schedule("@daily").StartDate(new DateOnly(2024, 1, 1)).Catchup(catchup)
            .Task("work", ctx =>
            {
                lock (seen)
                {
                    seen.Add(ctx.DsString);
                }
                return Task.CompletedTask;
            });

    [Fact]
    public async Task Catchup_creates_one_run_per_missed_day_and_each_task_sees_its_ds()
    {
        var seen = new List<string>();
        // 2024-01-06T01:00Z: the intervals [01-01, 01-02) … [01-05, 01-06) have ended; [01-06, 01-07) has not.
        await using var h = new EngineHarness([Daily("daily", catchup: true, seen)], new OrchestratorOptions { DagsArePausedAtCreation = false }, new DateTimeOffset(2024, 1, 6, 1, 0, 0, TimeSpan.Zero));
        h.Start();
        var expected = Enumerable.Range(0, 5).Select(i => new DateOnly(2024, 1, 1).AddDays(i).ToString("yyyy-MM-dd")).ToList();
        await h.Until(() => h.Store.Runs("daily").Count(r => r.State == RunState.Success) == expected.Count);

        var runs = h.Store.Runs("daily");
        Assert.Equal(expected, runs.Select(r => r.Key.Ds));
        Assert.All(runs, r => Assert.Equal(RunTypes.Scheduled, r.RunType));
        Assert.Equal(expected, seen.Order(StringComparer.Ordinal));

        // The next interval ends at 01-07T00:00: one more run, for 01-06, exactly when it does.
        h.Clock.SetUtcNow(new DateTimeOffset(2024, 1, 7, 0, 0, 0, TimeSpan.Zero));
        var next = new RunKey("daily", EngineHarness.Day(2024, 1, 6));
        await h.Until(() => h.Store.GetRun(next) is { State: RunState.Success });
        Assert.Equal(6, h.Store.Runs("daily").Count);
    }

    /// <summary>A run without a date used to take today, whose interval is under way: it read part of the day, and the
    /// scheduler then never ran that day (it had a run). It now takes the latest ended interval.</summary>
    [Fact]
    public async Task A_run_without_a_date_covers_the_latest_ended_interval()
    {
        var seen = new List<string>();
        await using var h = new EngineHarness([Daily("daily", catchup: false, seen)], now: new DateTimeOffset(2024, 1, 10, 5, 30, 0, TimeSpan.Zero)).Start();

        var run = h.Engine.Trigger("daily");

        Assert.Equal("2024-01-09", run.Key.Ds);
        Assert.Equal(RunState.Success, (await h.RunToEnd(run.Key)).State);
        Assert.Equal(["2024-01-09"], seen);
    }

    /// <summary>A day run by hand before its interval ended read part of its data; once the interval ends the scheduler
    /// re-runs it in place with the parameters it was given, while a day run by hand after its end is left as it is.</summary>
    [Fact]
    public async Task A_day_run_by_hand_before_its_interval_ended_is_rerun_by_the_schedule_when_it_ends()
    {
        var seen = new List<string>();
        var dag = Dag.Create("d").Schedule("@daily").StartDate(new DateOnly(2024, 1, 10)).Catchup().Param("mode", "plain")
            .Task("work", ctx =>
            {
                lock (seen)
                {
                    seen.Add($"{ctx.DsString} {ctx.Params.GetValueOrDefault("mode")}");
                }
                return Task.CompletedTask;
            });
        await using var h = new EngineHarness([dag], new OrchestratorOptions { DagsArePausedAtCreation = false }, new DateTimeOffset(2024, 1, 10, 5, 30, 0, TimeSpan.Zero)).Start();
        var today = new RunKey("d", EngineHarness.Day(2024, 1, 10));

        var early = h.Engine.Trigger("d", today.LogicalDate, new Dictionary<string, string?> { ["mode"] = "early" });
        Assert.Equal(RunState.Success, (await h.RunToEnd(early.Key)).State);
        Assert.Equal(["2024-01-10 early"], seen);

        h.Clock.SetUtcNow(new DateTimeOffset(2024, 1, 11, 0, 0, 0, TimeSpan.Zero));
        await h.Until(() => h.Store.GetRun(today) is { Attempt: 2, State: RunState.Success });

        var rerun = h.Store.GetRun(today)!;
        Assert.Equal(RunTypes.Scheduled, rerun.RunType);
        Assert.Equal("early", rerun.Params["mode"]);
        Assert.Equal(["2024-01-10 early", "2024-01-10 early"], seen);

        // Run again by hand now that the day has ended: the schedule has no reason to touch it.
        var late = h.Engine.Trigger("d", today.LogicalDate);
        await h.Until(() => h.Store.GetRun(today) is { Attempt: 3, State: RunState.Success });
        h.Clock.SetUtcNow(new DateTimeOffset(2024, 1, 12, 0, 0, 0, TimeSpan.Zero));
        await h.Until(() => h.Store.GetRun(new RunKey("d", EngineHarness.Day(2024, 1, 11))) is { State: RunState.Success });
        Assert.Equal(3, h.Store.GetRun(today)!.Attempt);
        Assert.Equal(RunTypes.Manual, h.Store.GetRun(today)!.RunType);
        Assert.Equal(late.QueuedAt, h.Store.GetRun(today)!.QueuedAt);
    }

    /// <summary>A DAG run daily at 02:30 is keyed by 2024-01-09T02:30:00Z. `dag run --date 2024-01-09` made a second
    /// run beside it, at midnight, covering [00:00, 02:30): both ran at once writing the day's ds=2024-01-09 partition,
    /// and clear, cancel and logs of the day said it had no run. The day now names its 02:30 run.</summary>
    [Fact]
    public async Task A_day_given_for_a_dag_run_at_0230_names_that_days_run()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var dag = Dag.Create("nightly").Schedule("30 2 * * *").StartDate(new DateOnly(2024, 1, 9))
            .Task("load", ctx => release.Task.WaitAsync(ctx.CancellationToken));
        await using var h = new EngineHarness([dag], new OrchestratorOptions { DagsArePausedAtCreation = false }, new DateTimeOffset(2024, 1, 10, 3, 0, 0, TimeSpan.Zero));
        h.Start();
        var scheduled = new RunKey("nightly", EngineHarness.Day(2024, 1, 9).AddHours(2).AddMinutes(30));
        await h.Until(() => h.Store.GetRun(scheduled) is { State: RunState.Running });
        var day = EngineHarness.Day(2024, 1, 9);

        Assert.Contains("is already running", Assert.Throws<RunConflictException>(() => h.Engine.Trigger("nightly", day)).Message);
        Assert.Equal(scheduled, h.Engine.Cancel("nightly", day).Key);
        release.SetResult();
        var rerun = h.Engine.Trigger("nightly", day);
        Assert.Equal((scheduled, 2), (rerun.Key, rerun.Attempt));
        Assert.Equal(RunState.Success, (await h.RunToEnd(scheduled)).State);
        Assert.Equal(scheduled, h.Engine.Clear("nightly", day, "load").Key);
        Assert.Equal(RunState.Success, (await h.RunToEnd(scheduled)).State);
        Assert.Equal([scheduled], h.Store.Runs("nightly").Select(r => r.Key));
    }

    /// <summary>A daily job at 02:30 New York time caught up over the spring-forward day (no 02:30 that night) and
    /// run on through the fall-back day (02:30 only once, 01:00–02:00 twice): one run per day, none skipped or doubled,
    /// each started when its interval ended on the clock.</summary>
    [Fact]
    public async Task A_daily_job_in_a_time_zone_runs_once_on_each_dst_change_day()
    {
        var seen = new List<string>();
        var dag = Dag.Create("ny").Schedule("30 2 * * *", "America/New_York").StartDate(new DateOnly(2024, 3, 9)).Catchup()
            .Task("t", ctx =>
            {
                lock (seen)
                {
                    seen.Add($"{ctx.DsString} {ctx.LogicalDate:HH:mm}");
                }
                return Task.CompletedTask;
            });
        await using var h = new EngineHarness([dag], new OrchestratorOptions { DagsArePausedAtCreation = false }, new DateTimeOffset(2024, 3, 12, 0, 0, 0, TimeSpan.Zero));
        h.Start();
        // 02:30 EST = 07:30Z; 2024-03-10 has no 02:30 and runs at 03:00 EDT = 07:00Z; then 02:30 EDT = 06:30Z.
        await h.Until(() => h.Store.Runs("ny").Count(r => r.State == RunState.Success) == 2);
        Assert.Equal(["2024-03-09T07:30:00Z", "2024-03-10T07:00:00Z"], h.Store.Runs("ny").Select(r => r.Key.DateText));

        // The summer by backfill (paused, so the schedule does not race it), then the schedule again.
        h.Engine.SetPaused("ny", paused: true);
        h.Clock.SetUtcNow(new DateTimeOffset(2024, 11, 1, 12, 0, 0, TimeSpan.Zero));
        Assert.Equal(235, h.Engine.Backfill("ny", new DateOnly(2024, 3, 11), new DateOnly(2024, 10, 31)).Created.Count);
        await h.Until(() => h.Store.Runs("ny").Count(r => r.State == RunState.Success) == 237);
        h.Engine.SetPaused("ny", paused: false);

        // 2024-11-03: 02:30 EST = 07:30Z, once; its interval [11-02 06:30Z, 11-03 07:30Z) is 25 hours.
        h.Clock.SetUtcNow(new DateTimeOffset(2024, 11, 4, 7, 30, 0, TimeSpan.Zero));
        var fallBack = new RunKey("ny", new DateTime(2024, 11, 3, 7, 30, 0, DateTimeKind.Utc));
        await h.Until(() => h.Store.GetRun(fallBack) is { State: RunState.Success } && h.Store.Runs("ny").All(r => r.State == RunState.Success));
        Assert.Equal(["2024-11-01T06:30:00Z", "2024-11-02T06:30:00Z", "2024-11-03T07:30:00Z"],
            h.Store.Runs("ny").Where(r => r.LogicalDate >= new DateTime(2024, 11, 1, 0, 0, 0, DateTimeKind.Utc)).Select(r => r.Key.DateText));
        Assert.Equal(240, seen.Distinct().Count());
        Assert.Equal(240, seen.Select(s => s[..10]).Distinct().Count());
    }

    [Fact]
    public async Task Without_catchup_only_the_latest_interval_runs()
    {
        var seen = new List<string>();
        await using var h = new EngineHarness([Daily("latest", catchup: false, seen)], new OrchestratorOptions { DagsArePausedAtCreation = false }, new DateTimeOffset(2024, 1, 6, 1, 0, 0, TimeSpan.Zero));
        h.Start();
        var latest = new RunKey("latest", EngineHarness.Day(2024, 1, 5));
        await h.RunToEnd(latest);
        Assert.Equal(["2024-01-05"], h.Store.Runs("latest").Select(r => r.Key.Ds));
        Assert.Equal(["2024-01-05"], seen);
    }

    /// <summary>Without catchup the scheduler still walked every interval from the start date (or the last scheduled run)
    /// up to now to keep the latest: a fine-grained schedule left with the default start date (2000-01-01) held the
    /// scheduler's lock for minutes at its first look (13 million intervals for `* * * * *`, 757 million for every second).</summary>
    [Fact]
    public async Task Without_catchup_a_fine_schedule_with_the_default_start_date_runs_only_its_latest_interval_at_once()
    {
        var dag = Dag.Create("fine").Schedule("* * * * * *").Task("t", _ => Task.CompletedTask);
        await using var h = new EngineHarness([dag], new OrchestratorOptions { DagsArePausedAtCreation = false }).Start();

        var latest = new RunKey("fine", EngineHarness.Epoch.UtcDateTime.AddSeconds(-1));
        Assert.Equal(RunState.Success, (await h.RunToEnd(latest)).State);
        Assert.Equal([latest], h.Store.Runs("fine").Select(r => r.Key));

        // Paused for an hour, it runs the latest second again, not the 3,600 it missed.
        h.Engine.SetPaused("fine", true);
        h.Clock.Advance(TimeSpan.FromHours(1));
        h.Engine.SetPaused("fine", false);
        var after = new RunKey("fine", h.Clock.GetUtcNow().UtcDateTime.AddSeconds(-1));
        Assert.Equal(RunState.Success, (await h.RunToEnd(after)).State);
        Assert.Equal([latest, after], h.Store.Runs("fine").Select(r => r.Key));
    }

    [Fact]
    public async Task Hourly_cron_runs_after_each_hour_ends()
    {
        var seen = new List<DateTime>();
        var dag = Dag.Create("hourly").Schedule("0 * * * *").StartDate(new DateOnly(2024, 1, 10)).Catchup()
            .Task("t", ctx =>
            {
                lock (seen)
                {
                    seen.Add(ctx.LogicalDate);
                }
                return Task.CompletedTask;
            });
        await using var h = new EngineHarness([dag], new OrchestratorOptions { DagsArePausedAtCreation = false }, new DateTimeOffset(2024, 1, 10, 2, 30, 0, TimeSpan.Zero));
        h.Start();
        await h.Until(() => h.Store.Runs("hourly").Count(r => r.State == RunState.Success) == 2);
        Assert.Equal([EngineHarness.Day(2024, 1, 10), EngineHarness.Day(2024, 1, 10).AddHours(1)], h.Store.Runs("hourly").Select(r => r.LogicalDate));
        Assert.Equal("2024-01-10T01:00:00Z", h.Store.Runs("hourly")[1].Key.DateText);
    }

    /// <summary>Catching up used to create a run for every missed interval in one pass: an hourly DAG left with the
    /// default start date queued some 200,000 runs, one fsync each, with the scheduler's lock held. Runs are now made
    /// oldest first as max_active_runs leaves room, the next ones as earlier ones end.</summary>
    [Fact]
    public async Task Catchup_creates_no_more_runs_than_max_active_runs_leaves_room_for_and_the_rest_as_runs_end()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var peak = 0;
        OrchestratorStore? store = null;
        var dag = Dag.Create("hourly").Schedule("@hourly").StartDate(new DateOnly(2024, 1, 8)).Catchup().MaxActiveRuns(2)
            .Task("t", async ctx =>
            {
                InterlockedMax(ref peak, store!.Runs("hourly").Count(r => !r.State.IsTerminal()));
                await release.Task.WaitAsync(ctx.CancellationToken);
            });
        await using var h = new EngineHarness([dag], new OrchestratorOptions { DagsArePausedAtCreation = false }, new DateTimeOffset(2024, 1, 10, 0, 30, 0, TimeSpan.Zero));
        store = h.Store;
        h.Start();

        // 48 hours have ended since the start date: the first two run, and no others exist yet.
        await h.Until(() => h.Store.Runs("hourly").Count(r => r.State == RunState.Running) == 2);
        Assert.Equal([EngineHarness.Day(2024, 1, 8), EngineHarness.Day(2024, 1, 8).AddHours(1)], h.Store.Runs("hourly").Select(r => r.LogicalDate));

        release.SetResult();
        await h.Until(() => h.Store.Runs("hourly").Count(r => r.State == RunState.Success) == 48);
        var expected = Enumerable.Range(0, 48).Select(i => EngineHarness.Day(2024, 1, 8).AddHours(i)).ToList();
        Assert.Equal(expected, h.Store.Runs("hourly").Select(r => r.LogicalDate));
        Assert.All(h.Store.Runs("hourly"), r => Assert.Equal(RunTypes.Scheduled, r.RunType));
        Assert.Equal(2, peak);
    }

    [Fact]
    public async Task Max_active_runs_limits_concurrent_runs()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var current = 0;
        var peak = 0;
        using var started = new SemaphoreSlim(0);
        var dag = Dag.Create("limited").MaxActiveRuns(2).Task("hold", async ctx =>
        {
            var now = Interlocked.Increment(ref current);
            InterlockedMax(ref peak, now);
            started.Release();
            await release.Task.WaitAsync(ctx.CancellationToken);
            Interlocked.Decrement(ref current);
        });
        await using var h = new EngineHarness([dag]).Start();
        var result = h.Engine.Backfill("limited", new DateOnly(2024, 1, 1), new DateOnly(2024, 1, 5));
        Assert.Equal(5, result.Created.Count);

        await started.WaitAsync(h.Guard);
        await started.WaitAsync(h.Guard);
        Assert.Equal(2, h.Store.Runs("limited").Count(r => r.State == RunState.Running));
        Assert.Equal(2, h.Store.Runs("limited").Count(r => h.Task(r.Key, "hold")?.State == TaskState.Running));
        Assert.Equal(3, h.Store.Runs("limited").Count(r => r.State == RunState.Queued));
        // The two oldest days go first.
        Assert.Equal(["2024-01-01", "2024-01-02"], h.Store.Runs("limited").Where(r => r.State == RunState.Running).Select(r => r.Key.Ds));

        release.SetResult();
        try
        {
            await h.Until(() => h.Store.Runs("limited").All(r => r.State == RunState.Success));
        }
        catch (OperationCanceledException)
        {
            Assert.Fail(string.Join("\n", h.Store.Runs("limited").Select(r => $"{r.Key} {r.State} {h.Task(r.Key, "hold")}")));
        }
        Assert.Equal(2, peak);
    }

    [Fact]
    public async Task Depends_on_past_waits_for_the_previous_days_task()
    {
        var firstDay = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var order = new List<string>();
        var dag = Dag.Create("chained").DependsOnPast().MaxActiveRuns(3).Task("load", async ctx =>
        {
            if (ctx.DsString == "2024-01-01")
            {
                await firstDay.Task.WaitAsync(ctx.CancellationToken);
            }
            lock (order)
            {
                order.Add(ctx.DsString);
            }
        });
        await using var h = new EngineHarness([dag]).Start();
        h.Engine.Backfill("chained", new DateOnly(2024, 1, 1), new DateOnly(2024, 1, 3));
        var day1 = new RunKey("chained", EngineHarness.Day(2024, 1, 1));
        var day2 = new RunKey("chained", EngineHarness.Day(2024, 1, 2));

        // All three runs are running (max_active_runs 3) but only day 1's task may start.
        await h.Until(() => h.Task(day1, "load")?.State == TaskState.Running && h.Store.Runs("chained").All(r => r.State == RunState.Running));
        Assert.Null(h.Task(day2, "load"));
        Assert.Empty(h.Tries(day2, "load"));

        firstDay.SetResult();
        await h.Until(() => h.Store.Runs("chained").All(r => r.State == RunState.Success));
        Assert.Equal(["2024-01-01", "2024-01-02", "2024-01-03"], order);
    }

    /// <summary>With max_active_runs 1 (as the built-in DAGs that depend on the past have), the cleared day waited
    /// queued for the only slot, held by the later day, which waited for the cleared day: both, for ever.</summary>
    [Theory]
    [InlineData(16)]
    [InlineData(1)]
    public async Task Depends_on_past_blocks_after_a_failure_until_the_day_is_cleared_and_succeeds(int maxActiveRuns)
    {
        var broken = true;
        var dag = Dag.Create("strict").DependsOnPast().MaxActiveRuns(maxActiveRuns).Task("load", ctx =>
            broken && ctx.DsString == "2024-01-01" ? throw new InvalidOperationException("source unavailable") : Task.CompletedTask);
        await using var h = new EngineHarness([dag]).Start();
        h.Engine.Backfill("strict", new DateOnly(2024, 1, 1), new DateOnly(2024, 1, 2));
        var day1 = new RunKey("strict", EngineHarness.Day(2024, 1, 1));
        var day2 = new RunKey("strict", EngineHarness.Day(2024, 1, 2));

        Assert.Equal(RunState.Failed, (await h.RunToEnd(day1)).State);
        // Day 2 was evaluated in the same pass that closed day 1 and must not have started.
        Assert.Equal(RunState.Running, h.Store.GetRun(day2)!.State);
        Assert.Empty(h.Tries(day2, "load"));

        broken = false;
        h.Engine.Clear("strict", day1.LogicalDate);
        Assert.Equal(RunState.Success, (await h.RunToEnd(day2)).State);
        Assert.Equal(RunState.Success, h.Store.GetRun(day1)!.State);
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int seen;
        while ((seen = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, seen) != seen)
        {
        }
    }
}
