using Microsoft.Playwright;

namespace Emporium.Tests.Web.Dashboard;

/// <summary>A date range that ends before it starts is named as such, not shown as "no sales".</summary>
[Collection(DashboardCollection.Name)]
public sealed class SalesFilterTests(DashboardFixture f)
{
    [Fact]
    public async Task A_reversed_date_range_is_named_in_a_link_and_refused_by_the_form()
    {
        // Every card said "No sales match these filters. Widen the date range…" for a range that was simply reversed.
        await using var p = await DashboardPage.OpenAsync(f, "/sales?from=2011-03-01&to=2010-12-01");
        var error = p.Page.GetByTestId("filter-error");
        await Assertions.Expect(error).ToContainTextAsync("ends");
        await Assertions.Expect(error).ToContainTextAsync("before it starts");
        await Assertions.Expect(error).ToContainTextAsync("swap From and To");
        await Assertions.Expect(p.Page.Locator("main")).Not.ToContainTextAsync("No sales match these filters");

        // The form does not apply such a range: the browser names the field and the URL stays as it was.
        await p.Page.GetByRole(AriaRole.Link, new() { Name = "Sales", Exact = true }).ClickAsync();
        await p.Page.WaitForURLAsync("**/#/sales");
        await p.WaitReadyAsync("/sales");
        await p.Page.GetByLabel("From").FillAsync("2011-03-01");
        await p.Page.GetByLabel("To", new() { Exact = true }).FillAsync("2010-12-01");
        await p.Page.GetByRole(AriaRole.Button, new() { Name = "Apply" }).ClickAsync();
        Assert.True(await p.Page.GetByLabel("To", new() { Exact = true }).EvaluateAsync<bool>("el => el.validity.rangeUnderflow"));
        Assert.EndsWith("#/sales", p.Page.Url, StringComparison.Ordinal);
        await p.AssertAccessibleAsync();
        p.AssertNoErrors();
    }
}
