using Emporium.Orchestration;

namespace Emporium.Tests.Orchestration;

public class DagTests
{
    private static Task Noop(TaskContext _) => Task.CompletedTask;

    [Fact]
    public void The_builder_records_schedule_settings_and_dependencies()
    {
        var dag = Dag.Create("seller_catalog").Schedule("@daily").StartDate(new DateOnly(2024, 1, 1)).Catchup().MaxActiveRuns(1).DependsOnPast()
            .Param("country", "US")
            .Task("extract", Noop, t => t.Retries(1, TimeSpan.FromMinutes(5)).ExponentialBackoff().Timeout(TimeSpan.FromMinutes(10)))
            .Sensor("wait_clean", _ => true, poke: TimeSpan.FromSeconds(5), timeout: TimeSpan.FromSeconds(60))
            .Task("load", Noop).DependsOn("extract", "wait_clean")
            .Validate();

        Assert.True(dag.ScheduleInterval.IsCron);
        Assert.True(dag.CatchupEnabled);
        Assert.Equal(1, dag.MaxActive);
        Assert.True(dag.PastDependency);
        Assert.Equal("US", dag.Params["country"]);
        Assert.Equal(["extract", "wait_clean"], dag.GetTask("load").Upstream);
        Assert.Equal(TaskKind.Sensor, dag.GetTask("wait_clean").Kind);
        var retry = dag.GetTask("extract").Retry;
        Assert.Equal(TimeSpan.FromMinutes(10), retry.DelayBefore(2));
        Assert.Equal(["load"], dag.Downstream("extract"));
    }

    [Fact]
    public void Invalid_definitions_are_rejected_with_the_reason()
    {
        Assert.Contains("unknown task 'ghost'", Assert.Throws<DagDefinitionException>(() =>
            Dag.Create("d").Task("a", Noop).DependsOn("ghost").Validate()).Message);
        Assert.Contains("cycle", Assert.Throws<DagDefinitionException>(() =>
            Dag.Create("d").Task("a", Noop, t => t.DependsOn("b")).Task("b", Noop).DependsOn("a").Validate()).Message);
        Assert.Contains("duplicate task 'a'", Assert.Throws<DagDefinitionException>(() =>
            Dag.Create("d").Task("a", Noop).Task("a", Noop)).Message);
        Assert.Contains("must match", Assert.Throws<DagDefinitionException>(() => Dag.Create("Bad Name")).Message);
        Assert.Contains("not a cron expression", Assert.Throws<DagDefinitionException>(() => Dag.Create("d").Schedule("every day")).Message);
        Assert.Contains("has no tasks", Assert.Throws<DagDefinitionException>(() => Dag.Create("d").Validate()).Message);
    }

    /// <summary>A cron naming a day that never comes was accepted, and the DAG was never scheduled, with nothing said;
    /// a task setting out of range threw a bare ArgumentOutOfRangeException, naming neither the DAG nor the task.</summary>
    [Fact]
    public void A_schedule_that_never_fires_and_task_settings_out_of_range_are_rejected_naming_the_dag_and_task()
    {
        var never = Assert.Throws<DagDefinitionException>(() => Dag.Create("d").Schedule("0 0 30 2 *"));
        Assert.Equal("DAG 'd': schedule '0 0 30 2 *' never fires", never.Message);

        var retries = Assert.Throws<DagDefinitionException>(() => Dag.Create("d").Task("load", Noop, t => t.Retries(-1)));
        Assert.Equal("DAG 'd': task 'load': retries must be 0 or more, got -1", retries.Message);
        var delay = Assert.Throws<DagDefinitionException>(() => Dag.Create("d").Task("load", Noop, t => t.Retries(2, TimeSpan.FromMinutes(-5))));
        Assert.Equal("DAG 'd': task 'load': the retry delay must not be negative, got -00:05:00", delay.Message);
        var timeout = Assert.Throws<DagDefinitionException>(() => Dag.Create("d").Task("load", Noop, t => t.Timeout(TimeSpan.Zero)));
        Assert.Equal("DAG 'd': task 'load': the timeout must be positive, got 00:00:00", timeout.Message);
        // A sensor's Timeout(…) was kept and shown by the API as its limit, and never applied.
        var sensorTimeout = Assert.Throws<DagDefinitionException>(() =>
            Dag.Create("d").Sensor("wait", _ => true, poke: TimeSpan.FromSeconds(5), timeout: TimeSpan.FromMinutes(1), t => t.Timeout(TimeSpan.FromSeconds(10))));
        Assert.Equal("DAG 'd': sensor 'wait': Timeout(00:00:10) does not apply to a sensor; its time limit is the timeout given to Sensor (00:01:00)", sensorTimeout.Message);
        var cap = Assert.Throws<DagDefinitionException>(() => Dag.Create("d").Task("load", Noop, t => t.Retries(2).ExponentialBackoff(TimeSpan.FromSeconds(-1))));
        Assert.Equal("DAG 'd': task 'load': the maximum retry delay must not be negative, got -00:00:01", cap.Message);
    }

    /// <summary>The error listed every task that could not be ordered — the downstream of a cycle too — so in a large DAG
    /// it named dozens of tasks, most of them not on the cycle. It now names the cycle itself, in run order.</summary>
    [Fact]
    public void A_cycle_is_named_by_its_tasks_in_order_not_by_everything_downstream_of_it()
    {
        var error = Assert.Throws<DagDefinitionException>(() => Dag.Create("d")
            .Task("extract", Noop)
            .Task("clean", Noop).DependsOn("extract", "check")
            .Task("check", Noop).DependsOn("clean")
            .Task("load", Noop).DependsOn("check")
            .Task("report", Noop).DependsOn("load")
            .Validate());

        Assert.Contains(error.Message, new[] { "DAG 'd': dependency cycle: clean → check → clean", "DAG 'd': dependency cycle: check → clean → check" });
    }

    /// <summary>The engine waits at most a day before a retry, but the delay it recorded (the task's nextTryAt) was not
    /// capped: Retries(12, 5 min) with exponential backoff showed the 10th retry 42.7 hours away while it ran after 24,
    /// and from the ~30th the time overflowed DateTime. A fixed delay over a day was accepted and cut short in silence.</summary>
    [Fact]
    public void Retry_delays_are_capped_at_a_day_as_the_engine_waits_and_longer_delays_and_timeouts_are_refused()
    {
        var policy = new RetryPolicy(40, TimeSpan.FromMinutes(5), Exponential: true);
        Assert.Equal(TimeSpan.FromMinutes(5 * 256), policy.DelayBefore(9));
        Assert.Equal(TimeSpan.FromDays(1), policy.DelayBefore(10));
        Assert.Equal(TimeSpan.FromDays(1), policy.DelayBefore(40));
        _ = DateTime.MaxValue.AddYears(-8000) + policy.DelayBefore(40);

        var error = Assert.Throws<DagDefinitionException>(() => Dag.Create("d").Task("load", Noop, t => t.Retries(1, TimeSpan.FromDays(3))));
        Assert.Equal("DAG 'd': task 'load': the retry delay must be at most 1.00:00:00, got 3.00:00:00", error.Message);
        Assert.Contains("at most 1.00:00:00", Assert.Throws<DagDefinitionException>(() =>
            Dag.Create("d").Task("load", Noop, t => t.Retries(3).ExponentialBackoff(TimeSpan.FromDays(2)))).Message);
        // Timeouts too were cut to a day in silence: a 36-hour task was killed at 24 "timed out after 1.12:00:00".
        Assert.Equal("DAG 'd': task 'load': the timeout must be at most 1.00:00:00, got 1.12:00:00", Assert.Throws<DagDefinitionException>(() =>
            Dag.Create("d").Task("load", Noop, t => t.Timeout(TimeSpan.FromHours(36)))).Message);
        Assert.Contains("must be at most 1.00:00:00", Assert.Throws<DagDefinitionException>(() =>
            Dag.Create("d").Sensor("wait", _ => true, TimeSpan.FromMinutes(5), TimeSpan.FromDays(7))).Message);
    }

    [Fact]
    public void Discovery_finds_a_dag_file_added_outside_the_engine()
    {
        var registry = DagRegistry.Discover();
        Assert.True(registry.TryGet("discovery_probe", out var dag));
        Assert.Equal(["hello"], dag.Tasks.Select(t => t.Name));
        Assert.Contains(registry.Errors, e => e.Contains(nameof(BrokenDefinition)) && e.Contains("cycle"));
        Assert.Contains(registry.Errors, e => e.Contains(nameof(ThrowingDefinition)) && e.Contains(ThrowingDefinition.Reason));
        Assert.False(registry.TryGet(ThrowingDefinition.Name, out _));
    }

    public sealed class DiscoveryProbe : IDagDefinition
    {
        public Dag Build() => Dag.Create("discovery_probe").Task("hello", Noop);
    }

    /// <summary>A definition whose constructor fails (a setting it needs is missing): unlike an invalid one, its DAG's
    /// name is never known, so only the registry's errors say why its runs have no DAG.</summary>
    public sealed class ThrowingDefinition : IDagDefinition
    {
        public const string Name = "throwing_probe";

        public const string Reason = "throwing_probe needs the setting Dags:throwing_probe:api_url";

        public ThrowingDefinition() => throw new InvalidOperationException(Reason);

        public Dag Build() => Dag.Create(Name).Task("hello", Noop);
    }

    public sealed class BrokenDefinition : IDagDefinition
    {
        public Dag Build() => Dag.Create("broken_probe").Task("a", Noop, t => t.DependsOn("a2")).Task("a2", Noop).DependsOn("a");
    }
}
