using System.Text.Json;
using Emporium.Cli.Web;
using Microsoft.Playwright;

namespace Emporium.Tests.Web.Dashboard;

/// <summary>In a split deployment the dashboard's process may not run the scheduler: its <c>/api/v1/dags</c> answers
/// the 404 of <see cref="OtherRolesEndpoints"/>. The Pipelines page said "No DAGs are registered" and the Overview's
/// "Recent DAG runs" said "No DAGs yet", which sent readers looking for missing DAGs instead of at the scheduler
/// process. Both say which role serves them.</summary>
[Collection(DashboardCollection.Name)]
public sealed class OtherRoleDagsTests(DashboardFixture f)
{
    [Theory]
    [InlineData("/pipelines", "dags", "No DAGs are registered")]
    [InlineData("/", "recent-runs", "No DAGs yet")]
    public async Task Without_the_scheduler_role_the_page_says_which_process_runs_the_dags(string route, string cardId, string misleading)
    {
        // The answer a --role ingest process gives (its shared backends are out of reach of a browser test).
        var detail = "No endpoint at GET /api/v1/dags in this process (role ingest): the DAG API is served by --role scheduler.";
        var body = JsonSerializer.Serialize(new { status = 404, title = OtherRolesEndpoints.NotServedTitle, detail });
        // Opened on another page first, so the route below is in place before the page under test asks for the DAGs.
        await using var p = await DashboardPage.OpenAsync(f, f.Server.BaseAddress, route == "/" ? "/pipelines" : "/");
        await p.Page.RouteAsync("**/api/v1/dags", r => r.FulfillAsync(new() { Status = 404, ContentType = "application/problem+json", Body = body }));
        await p.Page.GotoAsync("/#" + route);
        await p.WaitReadyAsync(route);

        var card = p.Page.GetByTestId(cardId);
        await Assertions.Expect(card.GetByTestId("not-served")).ToContainTextAsync("This process does not run the scheduler");
        await Assertions.Expect(card.GetByTestId("not-served")).ToContainTextAsync("served by --role scheduler");
        await Assertions.Expect(card).Not.ToContainTextAsync(misleading);
        await p.AssertAccessibleAsync();
        p.AssertNoErrors();
    }
}
