using System.Text.Json;
using Emporium.Cli.Web;
using Microsoft.Playwright;

namespace Emporium.Tests.Web.Dashboard;

/// <summary>The Overview's "Recent DAG runs" on a process without the scheduler role said "No DAGs yet": DAGs may well
/// exist, this process does not run them. It says which role serves them, as the Pipelines page does
/// (<see cref="PipelinesOtherRoleTests"/>).</summary>
[Collection(DashboardCollection.Name)]
public sealed class OverviewOtherRoleTests(DashboardFixture f)
{
    [Fact]
    public async Task Without_the_scheduler_role_recent_dag_runs_say_which_process_runs_the_dags()
    {
        // The answer a --role ingest process gives (its shared backends are out of reach of a browser test).
        var detail = "No endpoint at GET /api/v1/dags in this process (role ingest): the DAG API is served by --role scheduler.";
        var body = JsonSerializer.Serialize(new { status = 404, title = OtherRolesEndpoints.NotServedTitle, detail });
        await using var p = await DashboardPage.OpenAsync(f, f.Server.BaseAddress, "/pipelines");
        await p.Page.RouteAsync("**/api/v1/dags", r => r.FulfillAsync(new() { Status = 404, ContentType = "application/problem+json", Body = body }));
        await p.Page.GotoAsync("/#/");
        await p.WaitReadyAsync("/");

        var card = p.Page.GetByTestId("recent-runs");
        await Assertions.Expect(card.GetByTestId("not-served")).ToContainTextAsync("This process does not run the scheduler");
        await Assertions.Expect(card.GetByTestId("not-served")).ToContainTextAsync("served by --role scheduler");
        await Assertions.Expect(card).Not.ToContainTextAsync("No DAGs yet");
        await p.AssertAccessibleAsync();
        p.AssertNoErrors();
    }
}
