using Microsoft.Playwright;

namespace Emporium.Tests.Web.Dashboard;

/// <summary>The tables every page draws (dom.ts <c>table</c>), with a wide and long result of the explorer.</summary>
[Collection(DashboardCollection.Name)]
public sealed class TableTests(DashboardFixture f)
{
    /// <summary>Mart cards headed "total_sales", "bucket_low", "product_num_ratings": they read for people, with the
    /// unit the cells are in, and keep the column's name to write SQL with (the explorer keeps the names as headings,
    /// see DashboardTests).</summary>
    [Fact]
    public async Task Mart_tables_head_their_columns_in_words_with_their_units()
    {
        await using var sales = await DashboardPage.OpenAsync(f, "/sales");
        Assert.Equal([("Country", "country", "country"), ("Total sales (£)", "total_sales", "total_sales")], await sales.HeadingsAsync("table-sales_by_country"));
        await using var products = await DashboardPage.OpenAsync(f, "/products");
        Assert.Equal([("Bucket low ($)", "bucket_low", "bucket_low"), ("Bucket high ($)", "bucket_high", "bucket_high"), ("Products", "products", "products")],
            await products.HeadingsAsync("table-price_distribution"));
        await using var sellers = await DashboardPage.OpenAsync(f, "/sellers");
        Assert.Equal(["ASIN", "Title", "Seller ID", "Bought in past month", "Price ($)", "Star rating", "Ratings", "Best seller"],
            (await sellers.HeadingsAsync("table-best_sellers")).Select(x => x.Text));
        Assert.Contains(("Match %", "match_pct", "match_pct"), await sellers.HeadingsAsync("table-sellers_by_matches"));
        sales.AssertNoErrors();
        products.AssertNoErrors();
        sellers.AssertNoErrors();
    }

    [Fact]
    public async Task A_wide_result_keeps_words_whole_and_a_long_text_stays_a_few_lines_tall()
    {
        await using var p = await DashboardPage.OpenAsync(f, "/sql");
        // Forty-odd columns and a 5,000-character text: the grid squeezed every text column to a few letters a line
        // (an ASIN over four lines) and the long text made its row thousands of pixels tall.
        await p.Page.GetByRole(AriaRole.Textbox, new() { Name = "SQL", Exact = true }).FillAsync("SELECT p.*, p.*, p.*, repeat('long text ', 500) AS notes FROM products p ORDER BY asin LIMIT 3");
        await p.Page.GetByTestId("run-sql").ClickAsync();
        var firstRow = p.Page.Locator("[data-testid='result-table'] tbody tr").First;
        await Assertions.Expect(firstRow).ToBeVisibleAsync();

        var asinLines = await firstRow.Locator("td[data-col='asin']").First.EvaluateAsync<int>(
            "td => { const r = document.createRange(); r.selectNodeContents(td); return new Set([...r.getClientRects()].map(x => Math.round(x.top))).size; }");
        Assert.Equal(1, asinLines);

        var notes = firstRow.Locator("td[data-col='notes']");
        var rowHeight = await firstRow.EvaluateAsync<double>("tr => tr.getBoundingClientRect().height");
        Assert.True(rowHeight < 250, $"a row with a long text is {rowHeight}px tall");
        // Nothing of the text is lost: it scrolls in its cell, and the keyboard reaches it.
        Assert.Equal(string.Concat(Enumerable.Repeat("long text ", 500)).Trim(), (await notes.InnerTextAsync()).Trim());
        await notes.Locator("[tabindex='0']").FocusAsync();
        await p.Page.Keyboard.PressAsync("PageDown");
        // The browser may scroll smoothly: the box moves over a few frames after the key, so the test waits for it.
        var box = await notes.Locator("[tabindex='0']").ElementHandleAsync();
        await p.Page.WaitForFunctionAsync("el => el.scrollTop > 0", box, new() { Timeout = 30_000 });
        await p.AssertAccessibleAsync();
        p.AssertNoErrors();
    }

    [Fact]
    public async Task A_text_of_several_lines_keeps_its_line_breaks()
    {
        await using var p = await DashboardPage.OpenAsync(f, "/sql");
        // A raw record or an error of several lines read as one run-on line: the cell folded its line breaks to spaces.
        await p.Page.GetByRole(AriaRole.Textbox, new() { Name = "SQL", Exact = true }).FillAsync("SELECT 'first line' || chr(10) || 'second line' AS t");
        await p.Page.GetByTestId("run-sql").ClickAsync();
        var cell = p.Page.Locator("[data-testid='result-table'] td[data-col='t']");
        await Assertions.Expect(cell).ToHaveAttributeAsync("data-value", "first line\nsecond line");
        var lines = await cell.EvaluateAsync<int>(
            "td => { const r = document.createRange(); r.selectNodeContents(td); return new Set([...r.getClientRects()].map(x => Math.round(x.top))).size; }");
        Assert.Equal(2, lines);
        Assert.Equal("first line\nsecond line", await cell.InnerTextAsync());
        p.AssertNoErrors();
    }
}
