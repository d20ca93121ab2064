using System.Text.Json;
using Emporium.Alerts;
using Emporium.Tests.TestSupport;
using Emporium.Warehouse.DuckDb;

namespace Emporium.Tests.Cli.Web;

public sealed class AlertEndpointsTests
{
    [Fact]
    public async Task Lists_stored_alerts_newest_first_with_filters_and_refuses_bad_parameters()
    {
        using var dir = new TempDir("alerts-api");
        await using var warehouse = new DuckDbWarehouse(new DuckDbWarehouseOptions { Path = dir.Combine("w.duckdb") });
        var before = new Dictionary<string, ProductObservation> { ["A"] = new("A", "Alpha", 10, true, 10), ["B"] = new("B", "Beta", 10, true, 10) };
        var after = new Dictionary<string, ProductObservation> { ["A"] = new("A", "Alpha", 15, true, 10) };
        var detected = AlertDetector.Detect("seller:S", before, after, true, new DateOnly(2024, 9, 16), DateTimeOffset.UtcNow, new AlertOptions());
        await new AlertStore(warehouse).SaveNewAsync(detected, ["http://127.0.0.1:9/hook"], CancellationToken.None);
        await using var host = await TestHost.StartAsync(warehouse: warehouse);

        using var all = JsonDocument.Parse(await host.Client.GetStringAsync("/api/v1/alerts"));
        var alerts = all.RootElement.GetProperty("alerts").EnumerateArray().ToList();
        Assert.Equal(detected.Select(a => a.Id).Order(), alerts.Select(a => a.GetProperty("id").GetString()).Order());
        Assert.All(alerts, a => Assert.Equal(1, a.GetProperty("deliveries").GetProperty("pending").GetInt64()));

        using var priced = JsonDocument.Parse(await host.Client.GetStringAsync("/api/v1/alerts?kind=price_change"));
        var price = Assert.Single(priced.RootElement.GetProperty("alerts").EnumerateArray());
        Assert.Equal("A", price.GetProperty("asin").GetString());
        Assert.Equal(50, price.GetProperty("changePct").GetDouble());

        // Blank filters, as a form sends them, filter nothing; the source is the detector's `seller:<id>`.
        using var blank = JsonDocument.Parse(await host.Client.GetStringAsync("/api/v1/alerts?kind=&asin=&source=%20&since="));
        Assert.Equal(alerts.Count, blank.RootElement.GetProperty("alerts").GetArrayLength());
        using var bySource = JsonDocument.Parse(await host.Client.GetStringAsync("/api/v1/alerts?source=seller:S&asin=A"));
        Assert.Equal("A", Assert.Single(bySource.RootElement.GetProperty("alerts").EnumerateArray()).GetProperty("asin").GetString());

        var bad = await host.Client.GetAsync("/api/v1/alerts?kind=nonsense");
        Assert.Equal(400, (int)bad.StatusCode);
        Assert.Contains("kind", await bad.Content.ReadAsStringAsync());
        Assert.Equal(400, (int)(await host.Client.GetAsync("/api/v1/alerts?since=16/09/2024")).StatusCode);
        Assert.Equal(400, (int)(await host.Client.GetAsync("/api/v1/alerts?limit=0")).StatusCode);
    }

    /// <summary>A filter is put in the SQL as a literal, and a NUL character ends the statement's text for both
    /// engines (a C string): the query broke mid-literal, a 500 for what is the caller's value.</summary>
    [Theory]
    [InlineData("asin=B0%00X", "asin")]
    [InlineData("source=seller:%00", "source")]
    public async Task A_filter_with_a_NUL_character_is_a_400_naming_it(string query, string field)
    {
        using var dir = new TempDir("alerts-api-nul");
        await using var warehouse = new DuckDbWarehouse(new DuckDbWarehouseOptions { Path = dir.Combine("w.duckdb") });
        await new AlertStore(warehouse).SaveNewAsync([], [], CancellationToken.None);
        await using var host = await TestHost.StartAsync(warehouse: warehouse);

        var response = await host.Client.GetAsync($"/api/v1/alerts?{query}");

        Assert.Equal(400, (int)response.StatusCode);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(field, problem.RootElement.GetProperty("errors")[0].GetProperty("field").GetString());
    }

    /// <summary>A price alert's values were numbers with no currency: the feed names it, the seller offers' own for a
    /// seller's alerts, US dollars for the products dataset's (which has none), and none for a demand jump (purchases).</summary>
    [Fact]
    public async Task Price_alerts_name_the_currency_of_their_values()
    {
        using var dir = new TempDir("alerts-currency");
        await using var warehouse = new DuckDbWarehouse(new DuckDbWarehouseOptions { Path = dir.Combine("w.duckdb") });
        var day = new DateOnly(2024, 9, 16);
        var before = new Dictionary<string, ProductObservation> { ["A"] = new("A", "Alpha", 10, true, 100), ["N"] = new("N", "No offer row", 10, true, 10) };
        var after = new Dictionary<string, ProductObservation> { ["A"] = new("A", "Alpha", 15, true, 1000), ["N"] = new("N", "No offer row", 20, true, 10) };
        var detected = AlertDetector.Detect("seller:S", before, after, true, day, DateTimeOffset.UtcNow, new AlertOptions())
            .Concat(AlertDetector.Detect(ProductSnapshotAlerts.Source, before, after, false, day, DateTimeOffset.UtcNow, new AlertOptions()))
            .ToList();
        await new AlertStore(warehouse).SaveNewAsync(detected, [], CancellationToken.None);
        await warehouse.ExecuteAsync("INSERT INTO seller_offers (seller_id, asin, currency, snapshot_date) VALUES ('S', 'A', 'EUR', DATE '2024-09-16')", CancellationToken.None);
        await using var host = await TestHost.StartAsync(warehouse: warehouse);

        using var all = JsonDocument.Parse(await host.Client.GetStringAsync("/api/v1/alerts"));
        var currencies = all.RootElement.GetProperty("alerts").EnumerateArray()
            .ToDictionary(a => (a.GetProperty("source").GetString(), a.GetProperty("asin").GetString(), a.GetProperty("kind").GetString()), a => a.GetProperty("currency").GetString());

        Assert.Equal("EUR", currencies[("seller:S", "A", AlertKind.PriceChange)]);
        Assert.Null(currencies[("seller:S", "N", AlertKind.PriceChange)]);
        Assert.Equal("USD", currencies[(ProductSnapshotAlerts.Source, "A", AlertKind.PriceChange)]);
        Assert.Null(currencies[("seller:S", "A", AlertKind.DemandJump)]);
    }

    [Fact]
    public async Task Alerts_are_read_page_by_page_with_offset_and_keep_their_delivery_counts()
    {
        using var dir = new TempDir("alerts-api");
        await using var warehouse = new DuckDbWarehouse(new DuckDbWarehouseOptions { Path = dir.Combine("w.duckdb") });
        var asins = Enumerable.Range(0, 5).Select(i => $"P{i}").ToList();
        var before = asins.ToDictionary(a => a, a => new ProductObservation(a, a, 10, true, 10));
        var after = asins.ToDictionary(a => a, a => new ProductObservation(a, a, 20, true, 10));
        var detected = AlertDetector.Detect("seller:S", before, after, true, new DateOnly(2024, 9, 16), DateTimeOffset.UtcNow, new AlertOptions());
        Assert.Equal(5, detected.Count);
        await new AlertStore(warehouse).SaveNewAsync(detected, ["http://127.0.0.1:9/hook", "http://127.0.0.1:9/other"], CancellationToken.None);
        await using var host = await TestHost.StartAsync(warehouse: warehouse);

        using var all = JsonDocument.Parse(await host.Client.GetStringAsync("/api/v1/alerts"));
        var whole = all.RootElement.GetProperty("alerts").EnumerateArray().Select(a => a.GetProperty("id").GetString()).ToList();
        var paged = new List<string?>();
        foreach (var offset in new[] { 0, 2, 4, 6 })
        {
            using var page = JsonDocument.Parse(await host.Client.GetStringAsync($"/api/v1/alerts?limit=2&offset={offset}"));
            var alerts = page.RootElement.GetProperty("alerts").EnumerateArray().ToList();
            Assert.All(alerts, a => Assert.Equal(2, a.GetProperty("deliveries").GetProperty("pending").GetInt64()));
            paged.AddRange(alerts.Select(a => a.GetProperty("id").GetString()));
        }
        Assert.Equal(whole, paged);

        foreach (var offset in new[] { "-1", "x" })
        {
            var refused = await host.Client.GetAsync($"/api/v1/alerts?offset={offset}");
            Assert.Equal(400, (int)refused.StatusCode);
            using var problem = JsonDocument.Parse(await refused.Content.ReadAsStringAsync());
            Assert.Equal("offset", problem.RootElement.GetProperty("errors")[0].GetProperty("field").GetString());
        }
    }
}
