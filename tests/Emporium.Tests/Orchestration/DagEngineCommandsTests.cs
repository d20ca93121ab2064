using Emporium.Orchestration;

namespace Emporium.Tests.Orchestration;

public class DagEngineCommandsTests
{
    [Fact]
    public async Task Backfill_of_five_days_creates_five_runs_one_per_ds()
    {
        var seen = new List<string>();
        var dag = Dag.Create("b").Schedule("@daily").Task("t", ctx =>
        {
            lock (seen)
            {
                seen.Add(ctx.PartitionPath("stage", "b"));
            }
            return Task.CompletedTask;
        });
        await using var h = new EngineHarness([dag], now: new DateTimeOffset(2024, 4, 2, 0, 0, 0, TimeSpan.Zero)).Start();
        var from = new DateOnly(2024, 3, 28);
        var to = new DateOnly(2024, 4, 1);
        var result = h.Engine.Backfill("b", from, to);
        await h.Until(() => h.Store.Runs("b").Count(r => r.State == RunState.Success) == 5);

        var expected = Enumerable.Range(0, to.DayNumber - from.DayNumber + 1).Select(i => from.AddDays(i).ToString("yyyy-MM-dd")).ToList();
        Assert.Equal(expected, result.Created.Select(r => r.Key.Ds));
        Assert.Empty(result.Skipped);
        Assert.Equal(expected, h.Store.Runs("b").Select(r => r.Key.Ds));
        Assert.All(h.Store.Runs("b"), r => Assert.Equal(RunTypes.Backfill, r.RunType));
        Assert.Equal(expected.Select(d => $"stage/b/ds={d}"), seen.Order(StringComparer.Ordinal));
    }

    /// <summary>A range typed wrong must not queue thousands of runs nothing can cancel: over the cap, nothing is created.</summary>
    [Fact]
    public async Task A_backfill_over_the_run_cap_is_refused_whole()
    {
        var dag = Dag.Create("b").Schedule("@daily").Task("t", _ => Task.CompletedTask);
        await using var h = new EngineHarness([dag], new OrchestratorOptions { Scheduling = false, MaxBackfillRuns = 10 }, now: new DateTimeOffset(2024, 4, 2, 0, 0, 0, TimeSpan.Zero)).Start();

        var over = Assert.Throws<ArgumentException>(() => h.Engine.Backfill("b", new DateOnly(2024, 3, 1), new DateOnly(2024, 3, 11)));
        Assert.Equal("backfill of more than 10 runs (2024-03-01 to 2024-03-11) is over Orchestrator:MaxBackfillRuns: split the range, or raise the setting", over.Message);
        Assert.Empty(h.Store.Runs("b"));

        Assert.Equal(10, h.Engine.Backfill("b", new DateOnly(2024, 3, 1), new DateOnly(2024, 3, 10)).Created.Count);
        await h.Until(() => h.Store.Runs("b").Count(r => r.State == RunState.Success) == 10);
    }

    /// <summary>The range was listed whole before the cap was looked at: a range typed wrong of a schedule firing every
    /// second (`--from 1900-01-01`, four billion intervals) held the scheduler's lock until memory ran out.</summary>
    [Fact]
    public async Task A_backfill_of_a_fine_schedule_over_the_run_cap_is_refused_without_listing_the_whole_range()
    {
        var dag = Dag.Create("fine").Schedule("* * * * * *").Task("t", _ => Task.CompletedTask);
        await using var h = new EngineHarness([dag], now: new DateTimeOffset(2024, 4, 2, 0, 0, 0, TimeSpan.Zero)).Start();

        var over = Assert.Throws<ArgumentException>(() => h.Engine.Backfill("fine", new DateOnly(1900, 1, 1), new DateOnly(2024, 3, 31)));
        Assert.Equal("backfill of more than 5,000 runs (1900-01-01 to 2024-03-31) is over Orchestrator:MaxBackfillRuns: split the range, or raise the setting", over.Message);
        // Reaching an interval that has not ended is said first, as for a range under the cap.
        var open = Assert.Throws<ArgumentException>(() => h.Engine.Backfill("fine", new DateOnly(1900, 1, 1), new DateOnly(2099, 1, 1)));
        Assert.StartsWith("backfill range reaches 2024-04-02, whose interval has not ended (it ends 2024-04-02T00:00:01Z)", open.Message, StringComparison.Ordinal);
        Assert.EndsWith("end the range at 2024-04-01 or earlier", open.Message, StringComparison.Ordinal);
        Assert.Empty(h.Store.Runs("fine"));
    }

    /// <summary>Parameters are checked against the DAG's declared ones, whatever their case, before any run exists.</summary>
    [Fact]
    public async Task A_parameter_the_dag_does_not_declare_is_refused_before_any_run_is_created()
    {
        var dag = Dag.Create("p").Param("max_pages", 5).Param("seller_id", null).Task("t", _ => Task.CompletedTask);
        var bare = Dag.Create("bare").Task("t", _ => Task.CompletedTask);
        await using var h = new EngineHarness([dag, bare]).Start();
        var day = EngineHarness.Day(2024, 1, 1);

        var trigger = Assert.Throws<UnknownDagParamException>(() => h.Engine.Trigger("p", day, new Dictionary<string, string?> { ["max_page"] = "3", ["seller_id"] = "A" }));
        Assert.Equal("DAG 'p' has no parameter 'max_page'; it takes: max_pages, seller_id", trigger.Message);
        Assert.Equal(["max_page"], trigger.Unknown);
        var backfill = Assert.Throws<UnknownDagParamException>(() => h.Engine.Backfill("bare", new DateOnly(2024, 1, 1), new DateOnly(2024, 1, 2), new Dictionary<string, string?> { ["x"] = "1" }));
        Assert.Contains("it takes none", backfill.Message);
        Assert.Empty(h.Store.Runs("p"));
        Assert.Empty(h.Store.Runs("bare"));

        var run = h.Engine.Trigger("p", day, new Dictionary<string, string?> { ["MAX_PAGES"] = "3" });
        Assert.Equal(RunState.Success, (await h.RunToEnd(run.Key)).State);
    }

    /// <summary>A run of an interval still under way would read part of its data, and the scheduler would not run that day
    /// again once it ended (the day has a run): the backfill is refused, saying where the range must end.</summary>
    [Fact]
    public async Task Backfill_reaching_an_interval_that_has_not_ended_is_refused_and_creates_no_run()
    {
        var daily = Dag.Create("d").Schedule("@daily").Task("t", _ => Task.CompletedTask);
        var hourly = Dag.Create("h").Schedule("@hourly").Task("t", _ => Task.CompletedTask);
        // 2024-01-10T05:30Z: the daily interval of 01-09 has ended, the one of 01-10 has not; hourly, 05:00 has not.
        await using var h = new EngineHarness([daily, hourly], now: new DateTimeOffset(2024, 1, 10, 5, 30, 0, TimeSpan.Zero)).Start();

        var today = Assert.Throws<ArgumentException>(() => h.Engine.Backfill("d", new DateOnly(2024, 1, 8), new DateOnly(2024, 1, 10)));
        Assert.Contains("reaches 2024-01-10, whose interval has not ended (it ends 2024-01-11T00:00:00Z)", today.Message);
        Assert.Contains("end the range at 2024-01-09 or earlier", today.Message);
        var future = Assert.Throws<ArgumentException>(() => h.Engine.Backfill("d", new DateOnly(2030, 1, 1), new DateOnly(2030, 12, 31)));
        Assert.Contains("no interval of the range has ended yet", future.Message);
        var hour = Assert.Throws<ArgumentException>(() => h.Engine.Backfill("h", new DateOnly(2024, 1, 9), new DateOnly(2024, 1, 10)));
        Assert.Contains("reaches 2024-01-10T05:00:00Z", hour.Message);
        Assert.Contains("end the range at 2024-01-09 or earlier", hour.Message);
        Assert.Empty(h.Store.Runs("d"));
        Assert.Empty(h.Store.Runs("h"));

        // Up to the last ended interval, the same backfill runs (01-09 ended at midnight).
        var ended = h.Engine.Backfill("d", new DateOnly(2024, 1, 8), new DateOnly(2024, 1, 9));
        Assert.Equal(["2024-01-08", "2024-01-09"], ended.Created.Select(r => r.Key.Ds));
        foreach (var run in ended.Created)
        {
            Assert.Equal(RunState.Success, (await h.RunToEnd(run.Key)).State);
        }
    }

    /// <summary>A backfill over days that already ran fills the holes and, by default, re-runs the failed days only: a
    /// succeeded day keeps its run (and the parameters it ran with) unless every day is asked for.</summary>
    [Fact]
    public async Task Backfill_reruns_failed_days_by_default_and_succeeded_ones_only_when_asked()
    {
        var runs = new List<string>();
        var dag = Dag.Create("r").Schedule("@daily").Param("mode", null).Task("t", ctx =>
        {
            lock (runs)
            {
                runs.Add($"{ctx.DsString} {ctx.Params.GetValueOrDefault("mode")}");
            }
            return ctx.Params.GetValueOrDefault("mode") == "broken" && ctx.DsString == "2024-01-02" ? throw new InvalidDataException("bad day") : Task.CompletedTask;
        });
        await using var h = new EngineHarness([dag]).Start();
        var (first, second, third) = (new DateOnly(2024, 1, 1), new DateOnly(2024, 1, 2), new DateOnly(2024, 1, 3));
        async Task<BackfillResult> BackfillAndWait(DateOnly from, DateOnly to, string mode, BackfillReprocess? reprocess = null)
        {
            var p = new Dictionary<string, string?> { ["mode"] = mode };
            var result = reprocess is { } r ? h.Engine.Backfill("r", from, to, p, r) : h.Engine.Backfill("r", from, to, p);
            foreach (var run in result.Created)
            {
                await h.RunToEnd(run.Key);
            }
            return result;
        }

        await BackfillAndWait(first, second, "broken");
        Assert.Equal([RunState.Success, RunState.Failed], h.Store.Runs("r").OrderBy(r => r.Key.Ds).Select(r => r.State));

        var missing = await BackfillAndWait(first, third, "fixed", BackfillReprocess.Missing);
        Assert.Equal(["2024-01-03"], missing.Created.Select(r => r.Key.Ds));
        Assert.Equal([("2024-01-01", "this day's run succeeded (reprocess all runs it again)"), ("2024-01-02", "this day's run failed (reprocess failed runs it again)")],
            missing.Skipped.Select(s => (s.Run.Key.Ds, s.Reason)));

        var failed = await BackfillAndWait(first, third, "fixed");
        Assert.Equal(["2024-01-02"], failed.Created.Select(r => r.Key.Ds));
        Assert.Equal(["2024-01-01", "2024-01-03"], failed.Skipped.Select(s => s.Run.Key.Ds));
        Assert.All(h.Store.Runs("r"), r => Assert.Equal(RunState.Success, r.State));

        var all = await BackfillAndWait(first, third, "again", BackfillReprocess.All);
        Assert.Equal(["2024-01-01", "2024-01-02", "2024-01-03"], all.Created.Select(r => r.Key.Ds));
        Assert.Empty(all.Skipped);
        lock (runs)
        {
            Assert.Equal(["2024-01-01 broken", "2024-01-02 broken", "2024-01-02 fixed", "2024-01-03 fixed", "2024-01-01 again", "2024-01-02 again", "2024-01-03 again"],
                runs.OrderBy(r => r.Split(' ')[1] switch { "broken" => 0, "fixed" => 1, _ => 2 }).ThenBy(r => r, StringComparer.Ordinal));
        }
        Assert.Equal([2, 3, 2], h.Store.Runs("r").OrderBy(r => r.Key.Ds).Select(r => r.Attempt));
    }

    /// <summary>`dag run --date` of a day whose interval had not started ran at once, against data that does not exist
    /// yet, and the day then counted as run. Refused, as Airflow does, until the clock reaches it; today's interval,
    /// under way, can still be run on purpose.</summary>
    [Fact]
    public async Task A_run_of_a_logical_date_after_now_is_refused_until_the_clock_reaches_it()
    {
        var daily = Dag.Create("daily").Schedule("@daily").Task("t", _ => Task.CompletedTask);
        var nightly = Dag.Create("nightly").Schedule("30 2 * * *").Task("t", _ => Task.CompletedTask);
        await using var h = new EngineHarness([daily, nightly], now: new DateTimeOffset(2024, 1, 10, 1, 0, 0, TimeSpan.Zero)).Start();

        var tomorrow = Assert.Throws<FutureRunException>(() => h.Engine.Trigger("daily", EngineHarness.Day(2024, 1, 11)));
        Assert.Contains("2024-01-11", tomorrow.Message);
        Assert.Contains("now is 2024-01-10T01:00:00Z", tomorrow.Message);
        // Today's 02:30 run of a DAG run at 02:30 has not started at 01:00.
        var nightlyToday = Assert.Throws<FutureRunException>(() => h.Engine.Trigger("nightly", EngineHarness.Day(2024, 1, 10)));
        Assert.Contains("2024-01-10T02:30:00Z", nightlyToday.Message);
        Assert.Empty(h.Store.Runs());

        var today = h.Engine.Trigger("daily", EngineHarness.Day(2024, 1, 10));
        Assert.Equal(RunState.Success, (await h.RunToEnd(today.Key)).State);
        h.Clock.Advance(TimeSpan.FromDays(1));
        var next = h.Engine.Trigger("daily", EngineHarness.Day(2024, 1, 11));
        Assert.Equal(RunState.Success, (await h.RunToEnd(next.Key)).State);
        var nightlyRun = h.Engine.Trigger("nightly", EngineHarness.Day(2024, 1, 10));
        Assert.Equal(EngineHarness.Day(2024, 1, 10).AddHours(2).AddMinutes(30), nightlyRun.LogicalDate);
    }

    /// <summary>A clock past 2024-02-01, the day the clear and re-run tests trigger: a logical date after now is refused.</summary>
    private static readonly DateTimeOffset AfterFeb1 = new(2024, 2, 2, 0, 0, 0, TimeSpan.Zero);

    /// <summary>A clear in the moment a try's failure is recorded but its thread has not yet let the task go (the run
    /// can already be seen ended then) is not refused as "running now", and the task runs again.</summary>
    [Fact]
    public async Task Clear_as_a_failed_try_is_being_released_reruns_the_task()
    {
        var tries = 0;
        var broken = true;
        var dag = Dag.Create("r").Task("t", _ =>
        {
            Interlocked.Increment(ref tries);
            return broken ? throw new FormatException("bad row") : Task.CompletedTask;
        });
        await using var h = new EngineHarness([dag], now: AfterFeb1).Start();
        Exception? refused = null;
        var cleared = false;
        h.Engine.AfterTerminalTrySaved = (run, task) =>
        {
            h.Engine.AfterTerminalTrySaved = null;
            broken = false;
            try
            {
                h.Engine.Clear(run.Dag, run.LogicalDate, task);
                cleared = true;
            }
            catch (RunConflictException e)
            {
                refused = e;
            }
        };

        var key = h.Engine.Trigger("r", EngineHarness.Day(2024, 2, 1)).Key;
        await h.Until(() => cleared || refused is not null);

        Assert.Null(refused);
        Assert.Equal(RunState.Success, (await h.RunToEnd(key)).State);
        Assert.Equal(2, tries);
        Assert.Equal([TryStates.Failed, TryStates.Success], h.Tries(key, "t").Select(t => t.State));
    }

    /// <summary>A task waiting out a 30-minute retry delay (the source is back) was refused with "running now", which it
    /// was not: the only way to run it sooner was to cancel the whole run. Clearing it now drops the wait and runs it at
    /// once with a fresh retry budget; the withdrawn retry does not run later.</summary>
    [Fact]
    public async Task Clear_of_a_task_waiting_for_its_retry_runs_it_at_once()
    {
        var tries = 0;
        var broken = true;
        var dag = Dag.Create("r").Task("t", _ =>
        {
            Interlocked.Increment(ref tries);
            return Volatile.Read(ref broken) ? throw new IOException("source unavailable") : Task.CompletedTask;
        }, t => t.Retries(1, TimeSpan.FromMinutes(30)));
        await using var h = new EngineHarness([dag], now: AfterFeb1).Start();
        var key = h.Engine.Trigger("r", EngineHarness.Day(2024, 2, 1)).Key;
        await h.Until(() => h.Task(key, "t") is { State: TaskState.UpForRetry });
        await h.Clock.WaitForTimerAsync(h.Clock.GetUtcNow() + TimeSpan.FromMinutes(30), h.Guard);

        Volatile.Write(ref broken, false);
        var cleared = h.Engine.Clear("r", key.LogicalDate, "t");

        Assert.Equal(RunState.Running, cleared.State);
        Assert.Equal(RunState.Success, (await h.RunToEnd(key)).State);
        Assert.Equal([TryStates.Failed, TryStates.Success], h.Tries(key, "t").Select(t => t.State));
        Assert.Equal(h.Tries(key, "t")[0].EndedAt, h.Tries(key, "t")[1].StartedAt);
        h.Clock.Advance(TimeSpan.FromMinutes(31));
        await h.Until(() => !h.Engine.IsExecuting(key, "t"));
        Assert.Equal(2, Volatile.Read(ref tries));
        Assert.Equal(2, h.Tries(key, "t").Count);
    }

    [Fact]
    public async Task Clear_of_a_failed_task_reruns_it_and_its_downstream_but_not_its_upstream()
    {
        var extracts = 0;
        var broken = true;
        var loads = 0;
        var dag = Dag.Create("c")
            .Task("extract", ctx =>
            {
                Interlocked.Increment(ref extracts);
                ctx.Push("n", 10);
                return Task.CompletedTask;
            })
            .Task("transform", ctx => broken ? throw new FormatException("bad row 7") : Task.CompletedTask).DependsOn("extract")
            .Task("load", _ =>
            {
                Interlocked.Increment(ref loads);
                return Task.CompletedTask;
            }).DependsOn("transform");
        await using var h = new EngineHarness([dag], now: AfterFeb1).Start();
        var key = h.Engine.Trigger("c", EngineHarness.Day(2024, 2, 1)).Key;
        Assert.Equal(RunState.Failed, (await h.RunToEnd(key)).State);
        Assert.Equal(TaskState.UpstreamFailed, h.Task(key, "load")!.State);

        broken = false;
        var cleared = h.Engine.Clear("c", key.LogicalDate, "transform");
        Assert.Equal(2, cleared.Attempt);
        // The engine may pick the cleared tasks up at once, so they are anything but the failure they were.
        Assert.NotEqual(TaskState.Failed, h.Task(key, "transform")!.State);
        Assert.NotEqual(TaskState.UpstreamFailed, h.Task(key, "load")!.State);
        Assert.Equal(TaskState.Success, h.Task(key, "extract")!.State);

        Assert.Equal(RunState.Success, (await h.RunToEnd(key)).State);
        Assert.Equal(1, extracts);
        Assert.Equal(1, loads);
        Assert.Equal([TryStates.Failed, TryStates.Success], h.Tries(key, "transform").Select(t => t.State));
        Assert.Single(h.Store.Runs("c"));
        var log = h.Store.ReadLog(key, "transform");
        Assert.Contains("bad row 7", log);
        Assert.Contains("try 2 succeeded", log);
    }

    [Fact]
    public async Task Re_running_a_day_replaces_its_run_and_an_active_day_cannot_be_started_twice()
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var dag = Dag.Create("r").Param("x", null).Task("t", async ctx =>
        {
            await gate.Task.WaitAsync(ctx.CancellationToken);
            ctx.Push("attempt", ctx.TryNumber);
        });
        await using var h = new EngineHarness([dag], now: AfterFeb1).Start();
        var day = EngineHarness.Day(2024, 2, 1);
        var first = h.Engine.Trigger("r", day);
        Assert.Throws<RunConflictException>(() => h.Engine.Trigger("r", day));
        gate.SetResult();
        await h.RunToEnd(first.Key);

        var second = h.Engine.Trigger("r", day, new Dictionary<string, string?> { ["x"] = "1" });
        Assert.Equal(2, second.Attempt);
        Assert.Equal(RunState.Success, (await h.RunToEnd(first.Key)).State);
        Assert.Single(h.Store.Runs("r"));
        Assert.Equal("2", h.Store.XComs(first.Key, "t")["attempt"]);
        Assert.Equal("1", h.Store.GetRun(first.Key)!.Params["x"]);
    }

    [Fact]
    public async Task Unknown_dags_tasks_and_runs_are_reported_by_name()
    {
        var dag = Dag.Create("k").Task("t", _ => Task.CompletedTask);
        await using var h = new EngineHarness([dag]).Start();
        Assert.Contains("no DAG named 'nope'", Assert.Throws<DagNotFoundException>(() => h.Engine.Trigger("nope")).Message);
        Assert.Contains("no run for 2024-01-01", Assert.Throws<KeyNotFoundException>(() => h.Engine.Clear("k", EngineHarness.Day(2024, 1, 1))).Message);
        var run = h.Engine.Trigger("k", EngineHarness.Day(2024, 1, 1));
        await h.RunToEnd(run.Key);
        Assert.Contains("no task 'x'", Assert.Throws<KeyNotFoundException>(() => h.Engine.Clear("k", run.LogicalDate, "x")).Message);
        Assert.Throws<ArgumentException>(() => h.Engine.Backfill("k", new DateOnly(2024, 1, 2), new DateOnly(2024, 1, 1)));
    }
}
