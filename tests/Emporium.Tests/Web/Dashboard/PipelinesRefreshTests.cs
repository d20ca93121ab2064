using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;

namespace Emporium.Tests.Web.Dashboard;

/// <summary>While a run is active the Pipelines page polls its runs every 3 seconds, and every answer differs (task
/// states, tries, end times). Each poll redrew the whole runs card: the task log being read was closed or reset to
/// its top and the keyboard focus fell back to the page.</summary>
[Collection(DashboardCollection.Name)]
public sealed class PipelinesRefreshTests(DashboardFixture f)
{
    [Fact]
    public async Task Polling_an_active_run_keeps_the_open_log_its_scroll_and_the_focus()
    {
        using var dags = await f.Http.GetFromJsonAsync<JsonDocument>("/api/v1/dags");
        var dag = dags!.RootElement.GetProperty("dags")[0].GetProperty("name").GetString()!;
        var polls = 0;
        await using var p = await DashboardPage.OpenAsync(f, f.Server.BaseAddress, "/");
        // An active run whose answer changes on every poll, as a running task's does.
        await p.Page.RouteAsync($"**/api/v1/dags/{dag}/runs?limit=20", r =>
        {
            var n = Interlocked.Increment(ref polls);
            var body = JsonSerializer.Serialize(new
            {
                runs = new[]
                {
                    new
                    {
                        ds = "2024-01-01", state = "running", startedAt = "2024-01-02T00:00:00Z",
                        tasks = new[]
                        {
                            new { task = "extract", state = "success", tries = 1, error = (string?)null },
                            new { task = "load", state = "running", tries = n, error = (string?)null },
                        },
                    },
                },
            });
            return r.FulfillAsync(new() { Status = 200, ContentType = "application/json", Body = body });
        });
        var lines = Enumerable.Range(1, 400).Select(i => $"line {i} of the extract log").ToArray();
        await p.Page.RouteAsync($"**/api/v1/dags/{dag}/runs/2024-01-01/tasks/extract/logs", r =>
            r.FulfillAsync(new() { Status = 200, ContentType = "application/json", Body = JsonSerializer.Serialize(new { lines }) }));
        await p.Page.GotoAsync($"/#/pipelines?dag={dag}");
        await p.WaitReadyAsync("/pipelines");

        await p.Page.GetByRole(AriaRole.Button, new() { Name = "Log of extract" }).ClickAsync();
        await Assertions.Expect(p.Page.Locator("pre.logs")).ToContainTextAsync("line 400 of the extract log");
        await Assertions.Expect(p.Page.Locator("pre.logs")).ToBeFocusedAsync();
        await p.Page.Locator("pre.logs").EvaluateAsync("e => { e.scrollTop = 1000; }");
        var scrolled = await p.Page.Locator("pre.logs").EvaluateAsync<double>("e => e.scrollTop");
        Assert.True(scrolled > 0, "the log should scroll");

        // Two more polls, each with a changed run.
        var seen = Volatile.Read(ref polls);
        await Assertions.Expect(p.Page.GetByTestId("tasks-table")).ToContainTextAsync((seen + 2).ToString(System.Globalization.CultureInfo.InvariantCulture), new() { Timeout = 60_000 });

        await Assertions.Expect(p.Page.Locator("pre.logs")).ToBeVisibleAsync();
        await Assertions.Expect(p.Page.Locator("pre.logs")).ToBeFocusedAsync();
        await Assertions.Expect(p.Page.Locator("pre.logs")).ToHaveAttributeAsync("aria-label", "Task log: extract");
        Assert.Equal(scrolled, await p.Page.Locator("pre.logs").EvaluateAsync<double>("e => e.scrollTop"));
        p.AssertNoErrors();
    }
}
