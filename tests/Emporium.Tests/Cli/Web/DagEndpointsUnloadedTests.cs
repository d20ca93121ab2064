using System.Net;
using System.Text.Json;
using Emporium.Orchestration;
using Emporium.Tests.TestSupport;

namespace Emporium.Tests.Cli.Web;

/// <summary>A run a stopped server left active, of a DAG the next server has no definition of (its file was deleted).</summary>
public class DagEndpointsUnloadedTests
{
    [Fact]
    public async Task A_run_of_a_removed_dag_is_listed_readable_and_cancellable_over_http()
    {
        using var data = new TempDir("dag-unloaded");
        var day = new DateTime(2024, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        using (var store = OrchestratorStore.Open(OrchestratorStore.DirectoryFor(data.Path)))
        {
            store.Save(new DagRunInfo("gone", day, "manual__2024-01-01", RunTypes.Manual, RunState.Running, new Dictionary<string, string?>(), day, day, null, 1));
            store.Save(new TaskInstanceInfo("gone", day, "extract", TaskState.Running, 1, 0, day, null, null, null),
                new TaskTryInfo("gone", day, "extract", 1, TryStates.Running, day, null, null));
        }
        await using var host = await TestHost.StartAsync(dataDir: data.Path);

        var list = JsonDocument.Parse(await host.Client.GetStringAsync("/api/v1/dags")).RootElement;
        // The test assembly's broken_probe (an invalid definition) is listed beside it.
        var gone = Assert.Single(list.GetProperty("unloaded").EnumerateArray(), d => d.GetProperty("name").GetString() == "gone");
        Assert.Equal("missing", gone.GetProperty("status").GetString());
        Assert.Equal(["2024-01-01"], gone.GetProperty("activeRuns").EnumerateArray().Select(d => d.GetString()));
        Assert.Contains("has no loaded definition", gone.GetProperty("reason").GetString());

        var runs = JsonDocument.Parse(await host.Client.GetStringAsync("/api/v1/dags/gone/runs")).RootElement.GetProperty("runs");
        var run = Assert.Single(runs.EnumerateArray());
        Assert.Equal("running", run.GetProperty("state").GetString());
        Assert.Equal("extract", Assert.Single(run.GetProperty("tasks").EnumerateArray()).GetProperty("task").GetString());
        using (var one = await host.Client.GetAsync("/api/v1/dags/gone/runs/2024-01-01"))
        {
            Assert.Equal(HttpStatusCode.OK, one.StatusCode);
        }

        using (var trigger = await host.Client.PostAsync("/api/v1/dags/gone/runs", TestHost.Json("{\"date\":\"2024-01-02\"}")))
        {
            Assert.Equal(HttpStatusCode.NotFound, trigger.StatusCode);
            var problem = await trigger.Content.ReadAsStringAsync();
            Assert.Contains("has no loaded definition", problem);
            Assert.Contains("dag cancel gone --all", problem);
        }

        using var cancel = await host.Client.PostAsync("/api/v1/dags/gone/runs/2024-01-01/cancel", TestHost.Json("{}"));
        Assert.Equal(HttpStatusCode.OK, cancel.StatusCode);
        var cancelled = JsonDocument.Parse(await cancel.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("failed", cancelled.GetProperty("state").GetString());
        Assert.Equal(DagEngine.CancelledByHand, Assert.Single(cancelled.GetProperty("tasks").EnumerateArray()).GetProperty("error").GetString());

        list = JsonDocument.Parse(await host.Client.GetStringAsync("/api/v1/dags")).RootElement;
        Assert.DoesNotContain(list.GetProperty("unloaded").EnumerateArray(), d => d.GetProperty("name").GetString() == "gone");
        using var all = await host.Client.PostAsync("/api/v1/dags/gone/cancel", TestHost.Json("{}"));
        Assert.Equal(HttpStatusCode.OK, all.StatusCode);
        Assert.Empty(JsonDocument.Parse(await all.Content.ReadAsStringAsync()).RootElement.GetProperty("cancelled").EnumerateArray());
    }
}
