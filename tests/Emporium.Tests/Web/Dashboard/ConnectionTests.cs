using Microsoft.Playwright;

namespace Emporium.Tests.Web.Dashboard;

/// <summary>The server stops answering while a page is open, then comes back.</summary>
[Collection(DashboardCollection.Name)]
public sealed class ConnectionTests(DashboardFixture f)
{
    [Fact]
    public async Task A_page_opened_while_the_server_is_away_says_so_and_draws_itself_when_it_is_back()
    {
        await using var p = await DashboardPage.OpenAsync(f, "/");
        // No answer at all, as from a stopped server: each card said only "Failed to fetch", and a page without polling
        // stayed so after the server was back, until the reader thought of reloading it.
        await p.Page.RouteAsync("**/api/**", r => r.AbortAsync());
        await p.Page.RouteAsync("**/health", r => r.AbortAsync());
        await p.Page.GetByRole(AriaRole.Link, new() { Name = "Sales", Exact = true }).ClickAsync();
        await p.WaitReadyAsync("/sales");

        var offline = p.Page.GetByTestId("offline");
        await Assertions.Expect(offline).ToBeVisibleAsync();
        await Assertions.Expect(offline).ToContainTextAsync("The Emporium server is not answering since");
        await Assertions.Expect(offline).ToContainTextAsync("asked again every 2 seconds");
        await Assertions.Expect(p.Page.Locator("main")).Not.ToContainTextAsync("Failed to fetch");
        await Assertions.Expect(p.Page.Locator("main [data-network]").First).ToContainTextAsync("not answering");
        // One notice, however many requests failed.
        await Assertions.Expect(offline).ToHaveCountAsync(1);

        await p.Page.UnrouteAllAsync();
        await Assertions.Expect(offline).ToHaveCountAsync(0, new() { Timeout = 60_000 });
        await Assertions.Expect(p.Page.Locator("main [data-network]")).ToHaveCountAsync(0);
        await p.WaitReadyAsync("/sales");
        var daily = await p.ChartAsync("chart-daily-sales");
        Assert.NotEmpty(daily.Labels);
        await p.AssertChartDrawnAsync("chart-daily-sales");
        // The only console errors are the refused connections themselves.
        lock (p.Errors)
        {
            Assert.All(p.Errors, e => Assert.Contains("net::ERR_FAILED", e, StringComparison.Ordinal));
        }
    }
}
