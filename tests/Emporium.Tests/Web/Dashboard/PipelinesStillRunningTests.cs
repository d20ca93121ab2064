using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;

namespace Emporium.Tests.Web.Dashboard;

/// <summary>A failed task whose abandoned try's code still runs (the API's <c>stillRunning</c>) looked like any failed
/// task: only its error text said a clear would wait for that code.</summary>
[Collection(DashboardCollection.Name)]
public sealed class PipelinesStillRunningTests(DashboardFixture f)
{
    [Fact]
    public async Task A_failed_task_whose_try_still_runs_is_marked_in_the_task_view()
    {
        using var dags = await f.Http.GetFromJsonAsync<JsonDocument>("/api/v1/dags");
        var dag = dags!.RootElement.GetProperty("dags")[0].GetProperty("name").GetString()!;
        await using var p = await DashboardPage.OpenAsync(f, f.Server.BaseAddress, "/");
        await p.Page.RouteAsync($"**/api/v1/dags/{dag}/runs?limit=20", r => r.FulfillAsync(new()
        {
            Status = 200,
            ContentType = "application/json",
            Body = JsonSerializer.Serialize(new
            {
                runs = new[]
                {
                    new
                    {
                        ds = "2024-01-01", state = "failed", startedAt = "2024-01-02T00:00:00Z",
                        tasks = new[]
                        {
                            new { task = "stuck", state = "failed", tries = 1, error = "task stuck timed out after 00:00:30 and ignored its cancellation", stillRunning = (bool?)true },
                            new { task = "broken", state = "failed", tries = 1, error = "boom", stillRunning = (bool?)false },
                            new { task = "unknown", state = "failed", tries = 1, error = "boom", stillRunning = (bool?)null },
                        },
                    },
                },
            }),
        }));
        await p.Page.GotoAsync($"/#/pipelines?dag={dag}");
        await p.WaitReadyAsync("/pipelines");

        var table = p.Page.GetByTestId("tasks-table");
        var state = (string task) => table.GetByRole(AriaRole.Row).Filter(new() { Has = p.Page.GetByRole(AriaRole.Rowheader, new() { Name = task, Exact = true }) }).Locator("td").First;
        await Assertions.Expect(state("stuck")).ToHaveTextAsync("failed (code still running)");
        await Assertions.Expect(state("broken")).ToHaveTextAsync("failed");
        await Assertions.Expect(state("unknown")).ToHaveTextAsync("failed");
        p.AssertNoErrors();
    }
}
