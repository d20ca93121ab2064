using System.Net;
using Emporium.Orchestration;
using Emporium.Tests.Orchestration;
using Emporium.Tests.TestSupport;
using Emporium.Warehouse.Postgres;
using Microsoft.Extensions.DependencyInjection;

namespace Emporium.Tests.Cli.Web;

/// <summary>A host on a shared PostgreSQL warehouse whose scheduler lease another process holds: it answers reads, and
/// refuses DAG commands until it takes over.</summary>
[Collection(PostgresCollection.Name)]
public sealed class DagEndpointsStandbyTests(PostgresServer server)
{
    [Fact]
    public async Task A_standby_refuses_dag_commands_with_503_until_it_holds_the_lease()
    {
        var db = await server.CreateDatabaseAsync("standby");
        var holder = new PostgresSchedulerLease(db, TimeProvider.System, TimeSpan.FromMilliseconds(100));
        await holder.AcquireAsync(CancellationToken.None);
        await using var warehouse = new PostgresWarehouse(new PostgresWarehouseOptions { ConnectionString = db });
        await using var host = await TestHost.StartAsync(warehouse: warehouse);
        var engine = host.Host.App.Services.GetRequiredService<DagEngine>();
        Assert.False(engine.IsStarted);

        using (var listed = await host.Client.GetAsync("/api/v1/dags"))
        {
            Assert.Equal(HttpStatusCode.OK, listed.StatusCode);
        }
        var commands = new Func<Task<HttpResponseMessage>>[]
        {
            () => host.Client.PostAsync($"/api/v1/dags/{ProbeDag.Name}/runs", TestHost.Json("{\"date\":\"2024-01-01\"}")),
            () => host.Client.PostAsync($"/api/v1/dags/{ProbeDag.Name}/backfill", TestHost.Json("{\"from\":\"2024-01-01\",\"to\":\"2024-01-02\"}")),
            () => host.Client.PostAsync($"/api/v1/dags/{ProbeDag.Name}/runs/2024-01-01/clear", TestHost.Json("{}")),
            () => host.Client.PatchAsync($"/api/v1/dags/{ProbeDag.Name}", TestHost.Json("{\"paused\":false}")),
        };
        foreach (var command in commands)
        {
            using var refused = await command();
            Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
            Assert.Equal(TimeSpan.FromSeconds(5), refused.Headers.RetryAfter?.Delta);
            Assert.Contains("scheduler lease", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
        Assert.Empty(engine.Store.Runs(ProbeDag.Name));

        await holder.DisposeAsync();
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (!engine.IsStarted && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }
        Assert.True(engine.IsStarted, "the standby did not take over the released lease");
        using var created = await host.Client.PostAsync($"/api/v1/dags/{ProbeDag.Name}/runs", TestHost.Json("{\"date\":\"2024-01-01\"}"));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var run = await engine.WaitForRunAsync(new RunKey(ProbeDag.Name, new DateTime(2024, 1, 1, 0, 0, 0, DateTimeKind.Utc)),
            new CancellationTokenSource(TimeSpan.FromSeconds(60)).Token);
        Assert.Equal(RunState.Success, run.State);
    }
}
