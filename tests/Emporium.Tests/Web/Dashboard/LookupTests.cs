using Microsoft.Playwright;

namespace Emporium.Tests.Web.Dashboard;

/// <summary>A lookup (an ASIN, a category, a customer) is kept in the page's URL like the filters.</summary>
[Collection(DashboardCollection.Name)]
public sealed class LookupTests(DashboardFixture f)
{
    [Fact]
    public async Task A_lookup_is_kept_in_the_url_so_reload_and_back_show_it_again()
    {
        var asins = (await MartTable.QueryAsync(f.Http, "SELECT asin FROM products ORDER BY asin LIMIT 2")).Texts("asin");
        await using var p = await DashboardPage.OpenAsync(f, "/products");
        var input = p.Page.GetByRole(AriaRole.Searchbox, new() { Name = "ASIN" });
        var found = p.Page.Locator("[data-testid='asin-result'] td[data-col='asin']");
        await input.FillAsync(asins[0]);
        await input.PressAsync("Enter");
        await Assertions.Expect(found).ToHaveTextAsync(asins[0]);
        await input.FillAsync(asins[1]);
        await input.PressAsync("Enter");
        await Assertions.Expect(found).ToHaveTextAsync(asins[1]);

        // A reload lost the product looked up (the URL opened a lookup, a lookup did not write the URL).
        await p.Page.ReloadAsync();
        await p.WaitReadyAsync("/products");
        await Assertions.Expect(input).ToHaveValueAsync(asins[1]);
        await Assertions.Expect(found).ToHaveTextAsync(asins[1]);

        await p.Page.GoBackAsync();
        await Assertions.Expect(input).ToHaveValueAsync(asins[0]);
        await Assertions.Expect(found).ToHaveTextAsync(asins[0]);
        p.AssertNoErrors();
    }
}
