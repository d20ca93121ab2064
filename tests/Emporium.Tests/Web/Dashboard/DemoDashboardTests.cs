using System.Globalization;
using Emporium.Tests.Cli.Hosting;
using Microsoft.Playwright;

namespace Emporium.Tests.Web.Dashboard;

/// <summary>What <c>emporium up --demo</c> shows in the browser: every page with data, nothing empty, no error, on the
/// embedded DuckDB warehouse and on PostgreSQL (the pages' own SQL runs on whichever warehouse the server has).</summary>
[Collection(DashboardCollection.Name)]
public sealed class DemoDashboardTests(DashboardFixture f)
{
    public static TheoryData<string> Warehouses() => ["duckdb", "postgres"];

    [Theory]
    [MemberData(nameof(Warehouses))]
    public async Task Every_page_of_a_demo_server_shows_data_and_the_customers_bars_of_several_days_name_their_day(string warehouse)
    {
        var output = new StringWriter();
        var address = warehouse == "postgres" ? f.Postgres.AddressFor(await f.Postgres.CreateDatabaseAsync("demo")) : null;
        await using var host = await DemoSeederTests.StartSeededAsync(output, address);
        var server = new Uri(host.Host.Url);

        foreach (var route in new[] { "/", "/products", "/sales", "/reviews", "/customers", "/sellers", "/pipelines", "/catalog", "/sql" })
        {
            await using var p = await DashboardPage.OpenAsync(f, server, route);
            var empty = await p.Page.GetByTestId("empty-state").AllInnerTextsAsync();
            Assert.True(empty.Count == 0, $"{route} shows an empty state: {string.Join(" | ", empty)}");
            var errors = await p.Page.GetByTestId("error").AllInnerTextsAsync();
            Assert.True(errors.Count == 0, $"{route} shows an error: {string.Join(" | ", errors)}");
            foreach (var chart in await p.Page.Locator(".chart[data-testid]").AllAsync())
            {
                await p.AssertChartDrawnAsync((await chart.GetAttributeAsync("data-testid"))!);
            }
            p.AssertNoErrors();
        }

        // The demo's days have fewer customers than the metric's top 20, so its bars come from several days: each names
        // its day, or one customer's two days would read as two customers of one ranking.
        using var http = new HttpClient { BaseAddress = server };
        var metric = (await MartTable.GetAsync(http, "api/v1/marts/user_behavior_metric?limit=20"))!;
        var days = metric.Texts("insert_date").Select(d => DateOnly.ParseExact(d[..10], "yyyy-MM-dd", CultureInfo.InvariantCulture)).ToList();
        Assert.True(days.Distinct().Count() > 1, string.Join(", ", days));
        await using var customers = await DashboardPage.OpenAsync(f, server, "/customers");
        var amounts = await customers.ChartAsync("chart-user_behavior_metric");
        var expected = metric.Texts("customer_id").Zip(days, (c, d) => $"{c} · {d.ToString("MMM d, yyyy", CultureInfo.InvariantCulture)}");
        Assert.Equal(expected, amounts.Labels);
        Assert.Equal(metric.Numbers("amount_spent"), amounts.Series[0].Values);
        Assert.Equal(amounts.Labels, (await customers.ChartAsync("chart-review-score")).Labels);
        // And drawn whole: the axis cut "14786 · Mar 31, 2011" to "14786 · Mar 31, 2…", losing the year.
        var drawn = await customers.DrawnTextAsync("chart-user_behavior_metric");
        Assert.All(expected, label => Assert.Contains(label, drawn));

        // The best sellers' star rating of an offer nobody rated yet (0: ratings run from 1 to 5 stars) reads "—".
        var best = (await MartTable.GetAsync(http, "api/v1/marts/best_sellers?limit=10"))!;
        var stars = best.Numbers("product_star_rating");
        Assert.True(stars.Contains(0), "the demo's best sellers include an offer without a rating: " + string.Join(", ", stars));
        await using var sellers = await DashboardPage.OpenAsync(f, server, "/sellers");
        var shownStars = await sellers.ColumnTextAsync("table-best_sellers", "product_star_rating");
        Assert.Equal(stars.Select(s => s == 0 ? "—" : s!.Value.ToString(CultureInfo.InvariantCulture)), shownStars);

        // A country outside ASCII, linked in capitals: the warehouse's LOWER may fold ASCII only (PostgreSQL under
        // the C locale), so the page folds the link's value as the records' own country was folded.
        var order = """{"InvoiceNo":"589999","StockCode":"EIRE1","Description":"mug","Quantity":2,"InvoiceDate":"2011-12-01 10:00:00","UnitPrice":3.5,"CustomerID":"17999","Country":"Éire"}""";
        Assert.Equal(202, (int)(await http.PostAsync("api/v1/ingest/orders", new StringContent(order, System.Text.Encoding.UTF8, "application/json"))).StatusCode);
        // Landed by the server's stream processor: about a second, but 100 tries of 0.1 s (some 10 s) are within reach
        // of a loaded machine.
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (!(await MartTable.GetAsync(http, "api/v1/marts/daily_sales?limit=100000"))!.Texts("country").Contains("éire"))
        {
            Assert.True(DateTime.UtcNow < deadline, "the order from Éire did not reach daily_sales");
            await Task.Delay(100);
        }
        await using var sales = await DashboardPage.OpenAsync(f, server, $"/sales?country={Uri.EscapeDataString("ÉIRE")}");
        Assert.Equal(["2011-12-01"], (await sales.ChartAsync("chart-daily-sales")).Labels);
    }
}
