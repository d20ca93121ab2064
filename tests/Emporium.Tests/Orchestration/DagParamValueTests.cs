using Emporium.Orchestration;
using Emporium.Orchestration.Dags;
using Emporium.Tests.TestSupport;
using Microsoft.Extensions.Configuration;

namespace Emporium.Tests.Orchestration;

/// <summary>Numeric and duration parameters of the DAGs are refused out of range, naming the DAG, the parameter, the
/// value and what is allowed: when a run is triggered or backfilled, and when settings give them at start-up.</summary>
public sealed class DagParamValueTests
{
    [Theory]
    [InlineData("webhook_retries", "-1", "DAG 'products_snapshot': parameter 'webhook_retries' is '-1' (given to the run): expected a whole number of at least 0")]
    [InlineData("price_change_pct", "-5", "DAG 'products_snapshot': parameter 'price_change_pct' is '-5' (given to the run): expected a number above 0")]
    [InlineData("demand_jump_factor", "0.5", "DAG 'products_snapshot': parameter 'demand_jump_factor' is '0.5' (given to the run): expected a number above 1")]
    [InlineData("webhook_retry_delay", "-00:00:01", "DAG 'products_snapshot': parameter 'webhook_retry_delay' is '-00:00:01' (given to the run): expected a duration of zero or more, like 00:00:30")]
    [InlineData("WEBHOOK_RETRIES", "many", "DAG 'products_snapshot': parameter 'webhook_retries' is 'many' (given to the run): expected a whole number of at least 0")]
    public async Task An_out_of_range_run_parameter_is_refused_before_any_run_exists(string key, string value, string message)
    {
        await using var h = new EngineHarness([new ProductsSnapshotDag().Build()]);
        var given = new Dictionary<string, string?> { [key] = value };
        var trigger = Assert.Throws<InvalidDagParamException>(() => h.Engine.Trigger("products_snapshot", EngineHarness.Day(2024, 1, 1), given));
        Assert.Equal(message, trigger.Message);
        Assert.Equal(key.ToLowerInvariant(), trigger.Param);
        Assert.Throws<InvalidDagParamException>(() => h.Engine.Backfill("products_snapshot", new DateOnly(2024, 1, 1), new DateOnly(2024, 1, 2), given));
        Assert.Empty(h.Store.Runs("products_snapshot"));
    }

    [Fact]
    public async Task In_range_values_are_taken()
    {
        await using var h = new EngineHarness([new ProductsSnapshotDag().Build()]);
        var run = h.Engine.Trigger("products_snapshot", EngineHarness.Day(2024, 1, 1),
            new Dictionary<string, string?> { ["webhook_retries"] = "0", ["price_change_pct"] = "2.5", ["webhook_retry_delay"] = "00:00:00" });
        Assert.Equal("0", run.Params["webhook_retries"]);
    }

    [Fact]
    public void An_out_of_range_setting_stops_the_engine_at_start_up()
    {
        using var dir = new TempDir("dag-params");
        var settings = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Dags:products_snapshot:webhook_retries"] = "-3",
        }).Build();
        using var store = OrchestratorStore.Open(dir.Combine("meta"));
        var e = Assert.Throws<InvalidDagParamException>(() =>
            new DagEngine(new DagRegistry([new ProductsSnapshotDag().Build()]), store, parameters: new DagParamResolver(settings)));
        Assert.Equal("DAG 'products_snapshot': parameter 'webhook_retries' is '-3' (settings Dags:products_snapshot): expected a whole number of at least 0", e.Message);
    }
}
