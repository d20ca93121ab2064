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

    [Fact]
    public void Discovery_finds_a_dag_file_added_outside_the_engine()
    {
        var registry = DagRegistry.Discover();
        Assert.True(registry.TryGet("discovery_probe", out var dag));
        Assert.Equal(["hello"], dag.Tasks.Select(t => t.Name));
        Assert.Contains(registry.Errors, e => e.Contains(nameof(BrokenDefinition)) && e.Contains("cycle"));
    }

    public sealed class DiscoveryProbe : IDagDefinition
    {
        public Dag Build() => Dag.Create("discovery_probe").Task("hello", Noop);
    }

    public sealed class BrokenDefinition : IDagDefinition
    {
        public Dag Build() => Dag.Create("broken_probe").Task("a", Noop, t => t.DependsOn("a2")).Task("a2", Noop).DependsOn("a");
    }
}
