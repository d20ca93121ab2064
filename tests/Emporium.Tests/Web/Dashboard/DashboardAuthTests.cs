using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Emporium.Cli.Web.Auth;
using Emporium.Tests.Batch;
using Microsoft.Playwright;

namespace Emporium.Tests.Web.Dashboard;

/// <summary>The dashboard against a server with API keys configured (by <c>emporium keys add</c>, as an operator would):
/// without a key the page says a key is needed and where to enter it, a read key shows the DAGs but cannot trigger,
/// an admin key triggers a run and a backfill. The server holds no data, so every data page shows its empty state.</summary>
[Collection(DashboardCollection.Name)]
public sealed class DashboardAuthTests(DashboardFixture f)
{
    private const string Dag = "reviews_batch";
    private const string Day = "2024-03-04";
    private const string BackfillFrom = "2024-03-05";
    private const string BackfillTo = "2024-03-06";

    private static async Task<string> AddKeyAsync(string dataDir, string scope)
    {
        var (code, output) = await BatchCli.RunAsync("keys", "add", "--scope", scope, "--name", $"dashboard-{scope}", "--data", dataDir);
        Assert.True(code == 0, output);
        return output.Split('\n').Select(l => l.Trim()).Single(l => l.StartsWith(ApiKeyHash.Prefix, StringComparison.Ordinal));
    }

    private static async Task<string> EndedStateAsync(HttpClient admin, string day)
    {
        using var guard = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (true)
        {
            var state = JsonDocument.Parse(await admin.GetStringAsync($"api/v1/dags/{Dag}/runs/{day}", guard.Token)).RootElement.GetProperty("state").GetString()!;
            if (state is "success" or "failed")
            {
                return state;
            }
            await Task.Delay(100, guard.Token);
        }
    }

    [Fact]
    public async Task Triggering_a_run_with_keys_on_needs_an_admin_key_and_says_so()
    {
        string readKey = "", adminKey = "";
        await using var server = await EmporiumProcess.StartAsync(
            new Dictionary<string, string> { ["EMPORIUM__ORCHESTRATOR__SCHEDULING"] = "false" },
            async dir =>
            {
                readKey = await AddKeyAsync(dir, Scopes.Read);
                adminKey = await AddKeyAsync(dir, Scopes.Admin);
            });
        using var admin = new HttpClient { BaseAddress = server.BaseAddress };
        admin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", adminKey);
        async Task<bool> RunExists(string day)
        {
            using var res = await admin.GetAsync($"api/v1/dags/{Dag}/runs/{day}");
            Assert.True(res.StatusCode is HttpStatusCode.OK or HttpStatusCode.NotFound, $"{(int)res.StatusCode}");
            return res.StatusCode == HttpStatusCode.OK;
        }

        await using var p = await DashboardPage.OpenAsync(f, server.BaseAddress, "/pipelines");
        // No key: the page says a key is required and where to enter it, instead of an empty list.
        var error = p.Page.Locator("main").GetByRole(AriaRole.Alert);
        await Assertions.Expect(error).ToContainTextAsync("API key required");
        await Assertions.Expect(error).ToContainTextAsync("Enter an API key");
        await Assertions.Expect(p.Page.GetByTestId("dags-table")).ToHaveCountAsync(0);
        await p.ScreenshotAsync("pipelines-key-required");
        await p.AssertAccessibleAsync();

        // A read key shows the DAGs, but triggering is refused with the scope it lacks; no run is created.
        var keyField = p.Page.GetByLabel("API key (kept for this tab only)");
        await keyField.FillAsync(readKey);
        await p.Page.GetByRole(AriaRole.Button, new() { Name = "Use key" }).ClickAsync();
        await p.WaitReadyAsync("/pipelines");
        await Assertions.Expect(p.Page.GetByTestId("dags-table").GetByRole(AriaRole.Link, new() { Name = Dag, Exact = true })).ToBeVisibleAsync();
        await p.Page.GetByTestId("dags-table").GetByRole(AriaRole.Link, new() { Name = Dag, Exact = true }).ClickAsync();
        await p.Page.WaitForFunctionAsync($"() => location.hash.includes('dag={Dag}')");
        await p.WaitReadyAsync("/pipelines");
        await p.Page.GetByLabel("Date (ds), or first day of a backfill").FillAsync(Day);
        await p.Page.GetByRole(AriaRole.Button, new() { Name = "Trigger", Exact = true }).ClickAsync();
        var status = p.Page.GetByTestId("trigger-status");
        await Assertions.Expect(status.GetByRole(AriaRole.Alert)).ToContainTextAsync("insufficient scope");
        await Assertions.Expect(status).ToContainTextAsync("admin");
        Assert.False(await RunExists(Day));

        // An admin key triggers the run: the page lists it and the API has it.
        await p.Page.GetByLabel("API key (kept for this tab only)").FillAsync(adminKey);
        await p.Page.GetByRole(AriaRole.Button, new() { Name = "Use key" }).ClickAsync();
        await p.WaitReadyAsync("/pipelines");
        await p.Page.GetByLabel("Date (ds), or first day of a backfill").FillAsync(Day);
        await p.Page.GetByRole(AriaRole.Button, new() { Name = "Trigger", Exact = true }).ClickAsync();
        await Assertions.Expect(status).ToContainTextAsync($"Started {Dag}");
        await Assertions.Expect(p.Page.Locator($"[data-testid='runs-table'] td[data-col='ds'][data-value='{Day}']")).ToHaveCountAsync(1);
        Assert.True(await RunExists(Day));
        // And a backfill: one run per day of the range.
        await p.Page.GetByLabel("Date (ds), or first day of a backfill").FillAsync(BackfillFrom);
        await p.Page.GetByLabel("Backfill to (optional, inclusive)").FillAsync(BackfillTo);
        await p.Page.GetByRole(AriaRole.Button, new() { Name = "Trigger", Exact = true }).ClickAsync();
        await Assertions.Expect(status).ToContainTextAsync($"Backfill of {Dag}: 2 runs started");
        Assert.True(await RunExists(BackfillFrom));
        Assert.True(await RunExists(BackfillTo));
        await p.AssertAccessibleAsync();

        // Once those runs ended, a backfill of only the days without a run over all three starts none, and says why
        // it left each day.
        var ended = new List<string>();
        foreach (var day in new[] { Day, BackfillFrom, BackfillTo })
        {
            ended.Add(await EndedStateAsync(admin, day));
        }
        await p.Page.GetByLabel("Date (ds), or first day of a backfill").FillAsync(Day);
        await p.Page.GetByLabel("Backfill to (optional, inclusive)").FillAsync(BackfillTo);
        await p.Page.GetByLabel("Backfill runs").SelectOptionAsync("missing");
        await p.Page.GetByRole(AriaRole.Button, new() { Name = "Trigger", Exact = true }).ClickAsync();
        await Assertions.Expect(status).ToContainTextAsync($"Backfill of {Dag}: 0 runs started");
        foreach (var group in ended.GroupBy(s => s))
        {
            var verb = group.Key == "success" ? "succeeded (reprocess all" : "failed (reprocess failed";
            await Assertions.Expect(status).ToContainTextAsync($"{group.Count()} day{(group.Count() == 1 ? "" : "s")} skipped (this day's run {verb} runs it again)");
        }

        // With the key, every page over data of this empty server says how to fill it, and draws no chart.
        foreach (var (link, route, command) in new[]
                 {
                     ("Products", "/products", "emporium load"), ("Sales", "/sales", "emporium send"), ("Reviews", "/reviews", "emporium send"),
                     ("Customers", "/customers", "emporium dag run user_behaviour"), ("Sellers", "/sellers", "emporium dag run seller_catalog"),
                 })
        {
            await p.Page.GetByRole(AriaRole.Link, new() { Name = link, Exact = true }).ClickAsync();
            await p.WaitReadyAsync(route);
            await Assertions.Expect(p.Page.Locator("main [data-testid='empty-state']").First).ToContainTextAsync(command);
            await Assertions.Expect(p.Page.Locator("main .chart")).ToHaveCountAsync(0);
            await p.AssertAccessibleAsync();
        }
        p.AssertNoErrorsBut((401, "/api/v1/dags", 1), (403, $"/api/v1/dags/{Dag}/runs", 1));
    }

    [Fact]
    public async Task Overview_without_a_usable_key_says_once_which_key_to_enter()
    {
        string readKey = "";
        await using var server = await EmporiumProcess.StartAsync(
            new Dictionary<string, string> { ["EMPORIUM__ORCHESTRATOR__SCHEDULING"] = "false" },
            async dir => readKey = await AddKeyAsync(dir, Scopes.Read));

        // No key: every card's request would be refused alike; the page says so once, with the scope to ask for.
        await using var p = await DashboardPage.OpenAsync(f, server.BaseAddress, "/");
        var alerts = p.Page.Locator("main").GetByRole(AriaRole.Alert);
        await Assertions.Expect(alerts).ToHaveCountAsync(1);
        await Assertions.Expect(alerts).ToContainTextAsync("API key required");
        await Assertions.Expect(alerts).ToContainTextAsync("read scope");
        await Assertions.Expect(alerts.GetByRole(AriaRole.Link)).ToHaveAttributeAsync("href", "#/pipelines");
        await Assertions.Expect(p.Page.GetByTestId("datasets-table")).ToHaveCountAsync(0);
        await p.AssertAccessibleAsync();
        // And it does not ask again every two seconds: the answer would be the same until a key is entered.
        await Task.Delay(TimeSpan.FromSeconds(5));
        await Assertions.Expect(alerts).ToHaveCountAsync(1);
        p.AssertNoErrorsBut((401, "/api/v1/datasets", 1));

        // A page of several cards, each refused alike: the message once, the cards say in a word why they are empty.
        await p.Page.GetByRole(AriaRole.Link, new() { Name = "Products", Exact = true }).ClickAsync();
        await p.WaitReadyAsync("/products");
        await Assertions.Expect(alerts).ToHaveCountAsync(1);
        await Assertions.Expect(alerts).ToContainTextAsync("API key required");
        await Assertions.Expect(alerts).ToContainTextAsync("read scope");
        await Assertions.Expect(p.Page.Locator("main [data-testid='needs-key']")).ToHaveCountAsync(3);
        await p.AssertAccessibleAsync();

        // A key the server does not know: the same single message, with the server's reason.
        await p.Page.GetByRole(AriaRole.Link, new() { Name = "Pipelines", Exact = true }).ClickAsync();
        await p.WaitReadyAsync("/pipelines");
        await p.Page.GetByLabel("API key (kept for this tab only)").FillAsync(ApiKeyHash.Prefix + "not-a-key-of-this-server");
        await p.Page.GetByRole(AriaRole.Button, new() { Name = "Use key" }).ClickAsync();
        await p.WaitReadyAsync("/pipelines");
        await p.Page.GetByRole(AriaRole.Link, new() { Name = "Overview", Exact = true }).ClickAsync();
        await p.WaitReadyAsync("/");
        await Assertions.Expect(alerts).ToHaveCountAsync(1);
        await Assertions.Expect(alerts).ToContainTextAsync("unknown API key");
        await Assertions.Expect(alerts).ToContainTextAsync("read scope");

        // A read key: the datasets, and no message.
        await p.Page.GetByRole(AriaRole.Link, new() { Name = "Pipelines", Exact = true }).ClickAsync();
        await p.WaitReadyAsync("/pipelines");
        await p.Page.GetByLabel("API key (kept for this tab only)").FillAsync(readKey);
        await p.Page.GetByRole(AriaRole.Button, new() { Name = "Use key" }).ClickAsync();
        await p.WaitReadyAsync("/pipelines");
        await p.Page.GetByRole(AriaRole.Link, new() { Name = "Overview", Exact = true }).ClickAsync();
        await p.WaitReadyAsync("/");
        await Assertions.Expect(p.Page.GetByTestId("datasets-table")).ToBeVisibleAsync();
        await Assertions.Expect(alerts).ToHaveCountAsync(0);
        // Refused: the overview twice (no key, unknown key), the Products page's mart list once (its three cards share
        // it), the Pipelines page three times (no key, unknown key twice).
        p.AssertNoErrorsBut((401, "/api/v1/datasets", 2), (401, "/api/v1/marts", 1), (401, "/api/v1/dags", 3));
    }

    [Fact]
    public async Task A_key_without_the_read_scope_is_refused_once_per_page_naming_what_is_not_shown()
    {
        string ingestKey = "";
        await using var server = await EmporiumProcess.StartAsync(
            new Dictionary<string, string> { ["EMPORIUM__ORCHESTRATOR__SCHEDULING"] = "false" },
            async dir => ingestKey = await AddKeyAsync(dir, Scopes.Ingest));

        await using var p = await DashboardPage.OpenAsync(f, server.BaseAddress, "/pipelines");
        await p.Page.GetByLabel("API key (kept for this tab only)").FillAsync(ingestKey);
        await p.Page.GetByRole(AriaRole.Button, new() { Name = "Use key" }).ClickAsync();
        await p.WaitReadyAsync("/pipelines");

        // The Sellers page reads four marts and the alerts; an ingest key may read none of them (403). The page says
        // once what is refused and why, and which key to enter; each card says in a word that it is not shown.
        var alerts = p.Page.Locator("main").GetByRole(AriaRole.Alert);
        await p.Page.GetByRole(AriaRole.Link, new() { Name = "Sellers", Exact = true }).ClickAsync();
        await p.WaitReadyAsync("/sellers");
        await Assertions.Expect(alerts).ToHaveCountAsync(1);
        await Assertions.Expect(alerts).ToContainTextAsync("insufficient scope");
        await Assertions.Expect(alerts).ToContainTextAsync("HTTP 403");
        await Assertions.Expect(alerts).ToContainTextAsync("read scope");
        var notShown = alerts.GetByTestId("refused-cards");
        foreach (var title in new[] { "Sellers with most matches", "Distributors with most matches", "Best sellers", "ASIN matches", "Alerts" })
        {
            await Assertions.Expect(notShown).ToContainTextAsync(title);
        }
        var placeholders = p.Page.Locator("main section.card [data-testid='needs-key']");
        await Assertions.Expect(placeholders).ToHaveCountAsync(5);
        foreach (var text in await placeholders.AllInnerTextsAsync())
        {
            Assert.DoesNotContain("insufficient scope", text, StringComparison.Ordinal);
        }
        await p.AssertAccessibleAsync();

        // The same on a page of three mart cards: one notice, three placeholders.
        await p.Page.GetByRole(AriaRole.Link, new() { Name = "Products", Exact = true }).ClickAsync();
        await p.WaitReadyAsync("/products");
        await Assertions.Expect(alerts).ToHaveCountAsync(1);
        await Assertions.Expect(alerts).ToContainTextAsync("insufficient scope");
        await Assertions.Expect(placeholders).ToHaveCountAsync(3);
        await Assertions.Expect(notShown).ToContainTextAsync("Price distribution");
        // Refused: the Pipelines page before the key (401) and with it (403), the mart list once per page (its cards
        // share it), the alerts once.
        p.AssertNoErrorsBut((401, "/api/v1/dags", 1), (403, "/api/v1/dags", 1), (403, "/api/v1/marts", 2), (403, "/api/v1/alerts", 1));
    }
}
