using System.Net;
using System.Text.Json;
using Emporium.Orchestration;
using Emporium.Tests.Orchestration;
using Emporium.Tests.TestSupport;
using Microsoft.Extensions.DependencyInjection;

namespace Emporium.Tests.Cli.Web;

public class DagCancelEndpointsTests
{
    [Fact]
    public async Task A_running_run_is_cancelled_over_http_and_a_second_cancel_is_a_conflict()
    {
        using var dir = new TempDir("dag-cancel");
        await using var host = await TestHost.StartAsync();
        var engine = host.Host.App.Services.GetRequiredService<DagEngine>();
        var day = new RunKey(ProbeDag.Name, new DateTime(2024, 1, 1, 0, 0, 0, DateTimeKind.Utc));
        // `load` waits for a release file that never comes, so the run is active when it is cancelled.
        using var created = await host.Client.PostAsync($"/api/v1/dags/{ProbeDag.Name}/runs",
            TestHost.Json(JsonSerializer.Serialize(new { date = "2024-01-01", @params = new { dir = dir.Path } })));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        await engine.WaitUntilAsync(() => engine.Store.GetTask(day, "load") is { State: TaskState.Running }, new CancellationTokenSource(TimeSpan.FromSeconds(60)).Token);

        using var cancel = await host.Client.PostAsync($"/api/v1/dags/{ProbeDag.Name}/runs/2024-01-01/cancel", TestHost.Json("{}"));
        Assert.Equal(HttpStatusCode.OK, cancel.StatusCode);
        var run = JsonDocument.Parse(await cancel.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("failed", run.GetProperty("state").GetString());
        var load = run.GetProperty("tasks").EnumerateArray().Single(t => t.GetProperty("task").GetString() == "load");
        Assert.Equal(DagEngine.CancelledByHand, load.GetProperty("error").GetString());

        using var again = await host.Client.PostAsync($"/api/v1/dags/{ProbeDag.Name}/runs/2024-01-01/cancel", TestHost.Json("{}"));
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Contains("is not active (it failed)", await again.Content.ReadAsStringAsync());
        using var noRun = await host.Client.PostAsync($"/api/v1/dags/{ProbeDag.Name}/runs/2024-01-02/cancel", TestHost.Json("{}"));
        Assert.Equal(HttpStatusCode.NotFound, noRun.StatusCode);

        using var all = await host.Client.PostAsync($"/api/v1/dags/{ProbeDag.Name}/cancel", TestHost.Json("{}"));
        Assert.Equal(HttpStatusCode.OK, all.StatusCode);
        Assert.Empty(JsonDocument.Parse(await all.Content.ReadAsStringAsync()).RootElement.GetProperty("cancelled").EnumerateArray());
        using var unknown = await host.Client.PostAsync("/api/v1/dags/nope/cancel", TestHost.Json("{}"));
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
    }
}
