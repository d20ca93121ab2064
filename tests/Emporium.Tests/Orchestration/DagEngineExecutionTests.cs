using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Emporium.Orchestration;

namespace Emporium.Tests.Orchestration;

public class DagEngineExecutionTests
{
    private static readonly RunKey Day1 = new("d", EngineHarness.Day(2024, 1, 1));

    [Fact]
    public async Task A_retry_waits_its_delay_on_the_injected_clock()
    {
        var attempts = 0;
        var dag = Dag.Create("d").Task("flaky", _ =>
            Interlocked.Increment(ref attempts) == 1 ? throw new IOException("connection reset") : Task.CompletedTask,
            t => t.Retries(1, TimeSpan.FromMinutes(5)));
        await using var h = new EngineHarness([dag]).Start();
        h.Engine.Trigger("d", Day1.LogicalDate);

        await h.Until(() => h.Task(Day1, "flaky")?.State == TaskState.UpForRetry);
        var failedAt = h.Clock.GetUtcNow();
        Assert.Equal(failedAt.UtcDateTime + TimeSpan.FromMinutes(5), h.Task(Day1, "flaky")!.NextTryAt);
        await h.Clock.WaitForTimerAsync(failedAt + TimeSpan.FromMinutes(5), h.Guard);

        h.Clock.Advance(TimeSpan.FromMinutes(5) - TimeSpan.FromSeconds(1));
        Assert.Equal(1, Volatile.Read(ref attempts));
        Assert.Equal(TaskState.UpForRetry, h.Task(Day1, "flaky")!.State);

        h.Clock.Advance(TimeSpan.FromSeconds(1));
        var run = await h.RunToEnd(Day1);
        Assert.Equal(RunState.Success, run.State);
        var tries = h.Tries(Day1, "flaky");
        Assert.Equal([TryStates.Failed, TryStates.Success], tries.Select(t => t.State));
        Assert.Equal(TimeSpan.FromMinutes(5), tries[1].StartedAt - tries[0].EndedAt);
        Assert.Contains("connection reset", tries[0].Error);
        Assert.Equal(2, attempts);
    }

    /// <summary>A task waiting for its retry held its Parallelism slot through the delay: with an upstream API down, a
    /// few failing tasks with long (exponential) delays stopped every other DAG for hours. A task up for retry is not
    /// executing: its slot goes to others meanwhile, and it takes one again for its next try.</summary>
    [Fact]
    public async Task A_task_waiting_for_its_retry_gives_its_parallelism_slot_to_others_meanwhile()
    {
        var attempts = 0;
        var flaky = Dag.Create("flaky").Task("call_api", _ =>
            Interlocked.Increment(ref attempts) == 1 ? throw new IOException("connection reset") : Task.CompletedTask,
            t => t.Retries(1, TimeSpan.FromHours(1)));
        var other = Dag.Create("other").Task("load", _ => Task.CompletedTask);
        await using var h = new EngineHarness([flaky, other], new OrchestratorOptions { Scheduling = false, Parallelism = 1 }).Start();
        var waiting = h.Engine.Trigger("flaky", Day1.LogicalDate);
        await h.Until(() => h.Task(waiting.Key, "call_api")?.State == TaskState.UpForRetry);

        var run = h.Engine.Trigger("other", Day1.LogicalDate);
        Assert.Equal(RunState.Success, (await h.RunToEnd(run.Key)).State);
        Assert.Equal(TaskState.UpForRetry, h.Task(waiting.Key, "call_api")!.State);

        await h.Clock.WaitForTimerAsync(h.Clock.GetUtcNow() + TimeSpan.FromHours(1), h.Guard);
        h.Clock.Advance(TimeSpan.FromHours(1));
        Assert.Equal(RunState.Success, (await h.RunToEnd(waiting.Key)).State);
        Assert.Equal(2, attempts);
    }

    [Fact]
    public async Task A_try_end_the_journal_cannot_take_is_written_again_and_the_task_is_not_run_again()
    {
        var attempts = 0;
        EngineHarness? harness = null;
        var dag = Dag.Create("d").Task("t", _ =>
        {
            Interlocked.Increment(ref attempts);
            // The disk fills up while the task runs: the next journal write is the try's end.
            var faults = 1;
            harness!.Store.WriteFault = () => Interlocked.Decrement(ref faults) >= 0 ? new IOException("No space left on device", 28) : null;
            return Task.CompletedTask;
        }, t => t.Retries(2, TimeSpan.FromMinutes(30)));
        await using var h = harness = new EngineHarness([dag]).Start();
        h.Engine.Trigger("d", Day1.LogicalDate);

        var due = h.Clock.GetUtcNow() + DagEngine.JournalRetryDelay;
        await h.Clock.WaitForTimerAsync(due, h.Guard);
        Assert.Equal(TaskState.Running, h.Task(Day1, "t")!.State);
        h.Clock.Advance(DagEngine.JournalRetryDelay);

        var run = await h.RunToEnd(Day1);
        Assert.Equal(RunState.Success, run.State);
        Assert.Equal(1, Volatile.Read(ref attempts));
        Assert.Equal([TryStates.Success], h.Tries(Day1, "t").Select(t => t.State));
    }

    [Fact]
    public async Task Exponential_backoff_doubles_each_delay_and_gives_up_after_the_last_retry()
    {
        var dag = Dag.Create("d").Task("always_fails", _ => throw new InvalidOperationException("boom"),
            t => t.Retries(3, TimeSpan.FromMinutes(1)).ExponentialBackoff())
            .Task("after", _ => Task.CompletedTask).DependsOn("always_fails");
        await using var h = new EngineHarness([dag]).Start();
        h.Engine.Trigger("d", Day1.LogicalDate);

        var expected = new[] { TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(2), TimeSpan.FromMinutes(4) };
        foreach (var (delay, failures) in expected.Select((d, i) => (d, i + 1)))
        {
            await h.Until(() => h.Task(Day1, "always_fails") is { State: TaskState.UpForRetry } ti && ti.Failures == failures);
            var due = h.Clock.GetUtcNow() + delay;
            await h.Clock.WaitForTimerAsync(due, h.Guard);
            h.Clock.Advance(delay - TimeSpan.FromMilliseconds(1));
            Assert.Equal(failures, h.Tries(Day1, "always_fails").Count);
            h.Clock.Advance(TimeSpan.FromMilliseconds(1));
        }
        var run = await h.RunToEnd(Day1);

        Assert.Equal(RunState.Failed, run.State);
        var tries = h.Tries(Day1, "always_fails");
        Assert.Equal(4, tries.Count);
        Assert.All(tries, t => Assert.Equal(TryStates.Failed, t.State));
        Assert.Equal(expected, tries.Zip(tries.Skip(1), (a, b) => b.StartedAt - a.EndedAt!.Value));
        Assert.Equal(TaskState.Failed, h.Task(Day1, "always_fails")!.State);
        Assert.Equal(TaskState.UpstreamFailed, h.Task(Day1, "after")!.State);
        Assert.Empty(h.Tries(Day1, "after"));
        // An ordinary failure keeps its stack trace in the log: where it was thrown is what one needs to fix it.
        Assert.Contains("   at ", h.Store.ReadLog(Day1, "always_fails", 1), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("seller_id", null, "parameter 'seller_id' is not set")]
    [InlineData("max_pages", "many", "parameter 'max_pages'='many' is not a valid Int32")]
    // TimeSpan.Parse reads "30" as 30 days: a retry delay meant as seconds would have held the task for a month.
    [InlineData("retry_delay", "30", "parameter 'retry_delay'='30' is not a valid TimeSpan (hh:mm:ss, e.g. 00:00:30; a bare number would be read as days)")]
    public async Task A_missing_or_malformed_parameter_fails_the_task_at_once_without_spending_its_retries(string key, string? value, string message)
    {
        var attempts = 0;
        var dag = Dag.Create("d").Param(key, null).Task("extract", ctx =>
            {
                Interlocked.Increment(ref attempts);
                _ = key switch
                {
                    "seller_id" => ctx.Param(key),
                    "retry_delay" => ctx.Param(key, TimeSpan.Zero).ToString(),
                    _ => ctx.Param(key, 1).ToString(System.Globalization.CultureInfo.InvariantCulture),
                };
                return Task.CompletedTask;
            }, t => t.Retries(3, TimeSpan.FromMinutes(5)))
            .Task("after", _ => Task.CompletedTask).DependsOn("extract");
        await using var h = new EngineHarness([dag]).Start();
        h.Engine.Trigger("d", Day1.LogicalDate, value is null ? null : new Dictionary<string, string?> { [key] = value });

        var run = await h.RunToEnd(Day1);

        Assert.Equal(RunState.Failed, run.State);
        var tries = h.Tries(Day1, "extract");
        var only = Assert.Single(tries);
        Assert.Contains(message, only.Error, StringComparison.Ordinal);
        Assert.Equal(1, attempts);
        Assert.Equal(TaskState.Failed, h.Task(Day1, "extract")!.State);
        Assert.Equal(TaskState.UpstreamFailed, h.Task(Day1, "after")!.State);
        // The log says what to set, without a stack trace around it (the message is the whole story).
        var log = h.Store.ReadLog(Day1, "extract");
        Assert.Contains(message, log, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", log, StringComparison.Ordinal);
        Assert.DoesNotContain(nameof(DagParameterException), log, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_try_past_its_timeout_fails_and_is_retried()
    {
        var attempts = 0;
        var dag = Dag.Create("d").Task("slow", async ctx =>
        {
            if (Interlocked.Increment(ref attempts) == 1)
            {
                await Task.Delay(Timeout.InfiniteTimeSpan, ctx.Time, ctx.CancellationToken);
            }
        }, t => t.Timeout(TimeSpan.FromSeconds(30)).Retries(1, TimeSpan.FromSeconds(10)));
        await using var h = new EngineHarness([dag]).Start();
        h.Engine.Trigger("d", Day1.LogicalDate);

        await h.Until(() => h.Task(Day1, "slow")?.State == TaskState.Running);
        var started = h.Clock.GetUtcNow();
        await h.Clock.WaitForTimerAsync(started + TimeSpan.FromSeconds(30), h.Guard);
        h.Clock.Advance(TimeSpan.FromSeconds(30));
        await h.Until(() => h.Task(Day1, "slow")?.State == TaskState.UpForRetry);
        Assert.Contains("timed out", h.Tries(Day1, "slow")[0].Error);

        await h.Clock.WaitForTimerAsync(h.Clock.GetUtcNow() + TimeSpan.FromSeconds(10), h.Guard);
        h.Clock.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal(RunState.Success, (await h.RunToEnd(Day1)).State);
    }

    /// <summary>A task given a timeout whose own call was cancelled (an HTTP client's timeout, a TaskCanceledException)
    /// long before the limit was recorded as "timed out after 00:30:00": the error blamed the task's timeout and hid
    /// what was cancelled.</summary>
    [Fact]
    public async Task A_cancellation_of_the_tasks_own_making_is_not_reported_as_the_task_timeout()
    {
        const string Http = "The request was canceled due to the configured HttpClient.Timeout of 100 seconds elapsing.";
        var dag = Dag.Create("d").Task("fetch", _ => Task.FromException(new TaskCanceledException(Http)), t => t.Timeout(TimeSpan.FromMinutes(30)));
        await using var h = new EngineHarness([dag]).Start();
        h.Engine.Trigger("d", Day1.LogicalDate);

        Assert.Equal(RunState.Failed, (await h.RunToEnd(Day1)).State);
        var failed = Assert.Single(h.Tries(Day1, "fetch"));
        Assert.Equal(Http, failed.Error);
        Assert.Equal(Http, h.Task(Day1, "fetch")!.Error);
    }

    [Fact]
    public async Task A_sensor_that_never_sees_its_file_fails_at_its_timeout_without_retry()
    {
        var pokes = 0;
        var dag = Dag.Create("d")
            .Sensor("wait_clean", _ =>
            {
                Interlocked.Increment(ref pokes);
                return false;
            }, poke: TimeSpan.FromSeconds(5), timeout: TimeSpan.FromSeconds(60), t => t.Retries(2, TimeSpan.FromSeconds(1)))
            .Task("load", _ => Task.CompletedTask).DependsOn("wait_clean");
        await using var h = new EngineHarness([dag]).Start();
        h.Engine.Trigger("d", Day1.LogicalDate);

        await h.Until(() => h.Task(Day1, "wait_clean")?.State == TaskState.Running);
        var started = h.Clock.GetUtcNow();
        await h.Clock.WaitForTimerAsync(started + TimeSpan.FromSeconds(60), h.Guard);
        for (var elapsed = 5; elapsed < 60; elapsed += 5)
        {
            await h.Clock.WaitForTimerAsync(started + TimeSpan.FromSeconds(elapsed), h.Guard);
            h.Clock.Advance(TimeSpan.FromSeconds(5));
        }
        // 55 s in: eleven pokes done, still waiting.
        await h.Clock.WaitForTimerAsync(started + TimeSpan.FromSeconds(60), h.Guard);
        Assert.Equal(TaskState.Running, h.Task(Day1, "wait_clean")!.State);

        h.Clock.Advance(TimeSpan.FromSeconds(5));
        var run = await h.RunToEnd(Day1);
        Assert.Equal(RunState.Failed, run.State);
        var sensor = h.Task(Day1, "wait_clean")!;
        Assert.Equal(TaskState.Failed, sensor.State);
        Assert.Contains("timed out", sensor.Error);
        Assert.Single(h.Tries(Day1, "wait_clean"));
        Assert.InRange(pokes, 12, 13);
        Assert.Equal(TaskState.UpstreamFailed, h.Task(Day1, "load")!.State);
    }

    [Fact]
    public async Task A_sensor_succeeds_when_its_condition_appears_and_the_downstream_runs()
    {
        var ready = false;
        var dag = Dag.Create("d")
            .Sensor("wait_clean", _ => Volatile.Read(ref ready), poke: TimeSpan.FromSeconds(5), timeout: TimeSpan.FromSeconds(60))
            .Task("load", _ => Task.CompletedTask).DependsOn("wait_clean");
        await using var h = new EngineHarness([dag]).Start();
        h.Engine.Trigger("d", Day1.LogicalDate);
        await h.Until(() => h.Task(Day1, "wait_clean")?.State == TaskState.Running);
        var started = h.Clock.GetUtcNow();
        await h.Clock.WaitForTimerAsync(started + TimeSpan.FromSeconds(5), h.Guard);
        Volatile.Write(ref ready, true);
        h.Clock.Advance(TimeSpan.FromSeconds(5));

        Assert.Equal(RunState.Success, (await h.RunToEnd(Day1)).State);
        Assert.Contains("poke 2: condition met", h.Store.ReadLog(Day1, "wait_clean"));
    }

    [Fact]
    public async Task Outputs_pushed_upstream_are_pulled_downstream_and_persisted()
    {
        var dag = Dag.Create("d")
            .Task("extract", ctx =>
            {
                ctx.Push("rows", new[] { 3, 4, 5 });
                ctx.Push("path", ctx.PartitionPath("stage", "orders"));
                return Task.CompletedTask;
            })
            .Task("load", ctx =>
            {
                var rows = ctx.Pull<int[]>("extract", "rows");
                ctx.Push("total", rows.Sum());
                ctx.Log.LogInformation("loading {Path}", ctx.Pull<string>("extract", "path"));
                return Task.CompletedTask;
            }).DependsOn("extract")
            .Task("missing", ctx => Task.FromResult(ctx.Pull<int>("extract", "nope"))).DependsOn("extract");
        await using var h = new EngineHarness([dag]).Start();
        h.Engine.Trigger("d", Day1.LogicalDate);
        var run = await h.RunToEnd(Day1);

        Assert.Equal(TaskState.Success, h.Task(Day1, "load")!.State);
        Assert.Equal("12", h.Store.XComs(Day1, "load")["total"]);
        Assert.Contains("loading stage/orders/ds=2024-01-01", h.Store.ReadLog(Day1, "load"));
        Assert.Equal(TaskState.Failed, h.Task(Day1, "missing")!.State);
        Assert.Contains("pushed no output 'nope'", h.Task(Day1, "missing")!.Error);
        Assert.Equal(RunState.Failed, run.State);

        using var reader = OrchestratorStore.OpenReadOnly(h.MetaDir);
        Assert.Equal("[3,4,5]", reader.XComs(Day1, "extract")["rows"]);
    }

    [Fact]
    public async Task Params_come_from_defaults_then_configuration_then_the_run()
    {
        var seen = new Dictionary<string, string?>();
        var dag = Dag.Create("d").Param("a", "default-a").Param("b", "default-b").Param("c", 3).Task("t", ctx =>
        {
            foreach (var key in new[] { "a", "b", "c" })
            {
                seen[key] = ctx.Params[key];
            }
            seen["c+1"] = (ctx.Param("c", 0) + 1).ToString(System.Globalization.CultureInfo.InvariantCulture);
            return Task.CompletedTask;
        });
        var config = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Dags:d:b"] = "config-b", ["Dags:d:c"] = "7" })
            .Build();
        await using var h = new EngineHarness([dag], parameters: new DagParamResolver(config)).Start();
        h.Engine.Trigger("d", Day1.LogicalDate, new Dictionary<string, string?> { ["c"] = "41" });
        await h.RunToEnd(Day1);
        Assert.Equal("default-a", seen["a"]);
        Assert.Equal("config-b", seen["b"]);
        Assert.Equal("41", seen["c"]);
        Assert.Equal("42", seen["c+1"]);
    }
}
