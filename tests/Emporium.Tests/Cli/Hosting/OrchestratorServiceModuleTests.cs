using Emporium.Cli.Hosting;
using Emporium.Tests.TestSupport;

namespace Emporium.Tests.Cli.Hosting;

/// <summary>The orchestrator as the host builds it from settings.</summary>
public sealed class OrchestratorServiceModuleTests
{
    [Fact]
    public async Task A_dag_parameter_out_of_range_in_settings_stops_the_host_at_start_up_by_name()
    {
        using var dir = new TempDir("dag-settings");
        var e = await Assert.ThrowsAsync<StartupException>(() => TestHost.StartEmbeddedAsync(dir.Path, new Dictionary<string, string?>
        {
            ["Dags:products_snapshot:webhook_retry_delay"] = "-00:00:05",
        }));
        Assert.Equal("DAG 'products_snapshot': parameter 'webhook_retry_delay' is '-00:00:05' (settings Dags:products_snapshot): expected a duration of zero or more, like 00:00:30", e.Message);
    }
}
