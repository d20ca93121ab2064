using Microsoft.Playwright;

namespace Emporium.Tests.Web.Dashboard;

/// <summary>The SQL explorer as a reader uses it: the URL keeps the query and a long query can be given up.</summary>
[Collection(DashboardCollection.Name)]
public sealed class ExplorerTests(DashboardFixture f)
{
    private static ILocator Input(DashboardPage p) => p.Page.GetByRole(AriaRole.Textbox, new() { Name = "SQL", Exact = true });

    [Fact]
    public async Task The_query_run_is_the_url_so_reload_and_back_keep_it()
    {
        // Opened from a link (as the mart cards link here), then another query typed and run: a reload ran the linked
        // query again and showed its text, losing the one the reader had run.
        await using var p = await DashboardPage.OpenAsync(f, "/sql?q=" + Uri.EscapeDataString("SELECT 'linked' AS which"));
        var cell = p.Page.Locator("[data-testid='result-table'] tbody td");
        await Assertions.Expect(cell).ToHaveTextAsync("linked");

        await Input(p).FillAsync("SELECT 'edited' AS which");
        await Input(p).PressAsync("Control+Enter");
        await Assertions.Expect(cell).ToHaveTextAsync("edited");

        await p.Page.ReloadAsync();
        await p.WaitReadyAsync("/sql");
        await Assertions.Expect(Input(p)).ToHaveValueAsync("SELECT 'edited' AS which");
        await Assertions.Expect(cell).ToHaveTextAsync("edited");

        await p.Page.GoBackAsync();
        await Assertions.Expect(Input(p)).ToHaveValueAsync("SELECT 'linked' AS which");
        await Assertions.Expect(cell).ToHaveTextAsync("linked");
        p.AssertNoErrors();
    }

    [Fact]
    public async Task A_running_query_shows_its_time_and_can_be_cancelled()
    {
        await using var p = await DashboardPage.OpenAsync(f, "/sql");
        // The answer is held back: a query that takes as long as the server lets it (30 s) kept the page at "Running…"
        // with the Run button disabled and nothing to give up with.
        var held = await HeldFirstQuery.StartAsync(p.Page);
        await Input(p).FillAsync("SELECT 'slow' AS which");
        await Input(p).PressAsync("Control+Enter");
        await held.Route;
        var status = p.Page.GetByTestId("sql-status");
        await Assertions.Expect(status).ToHaveTextAsync(new System.Text.RegularExpressions.Regex(@"^Running… \d+ s$"));

        await p.Page.GetByRole(AriaRole.Button, new() { Name = "Cancel" }).ClickAsync();
        await Assertions.Expect(status).ToContainTextAsync("Cancelled after");
        Assert.StartsWith("failed", await held.Outcome.WaitAsync(TimeSpan.FromSeconds(30)), StringComparison.Ordinal);
        await Assertions.Expect(p.Page.GetByTestId("run-sql")).ToBeEnabledAsync();
        await Assertions.Expect(p.Page.GetByRole(AriaRole.Button, new() { Name = "Cancel" })).ToBeHiddenAsync();
        await Assertions.Expect(p.Page.GetByTestId("sql-result").GetByTestId("error")).ToHaveCountAsync(0);

        // The next query runs as usual; one with no rows says so rather than showing a bare header.
        await Input(p).FillAsync("SELECT asin FROM products WHERE false");
        await p.Page.GetByTestId("run-sql").ClickAsync();
        await Assertions.Expect(status).ToHaveTextAsync(new System.Text.RegularExpressions.Regex("^0 rows in"));
        await Assertions.Expect(p.Page.GetByTestId("no-rows")).ToHaveTextAsync("The query returned no rows.");
        await p.AssertAccessibleAsync();
        p.AssertNoErrors();
    }
}
