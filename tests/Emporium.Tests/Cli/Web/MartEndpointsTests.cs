using System.Net;
using System.Text.Json;
using Emporium.Tests.TestSupport;

namespace Emporium.Tests.Cli.Web;

/// <summary><c>GET /api/v1/marts/{name}?limit=N</c>: what it refuses, and why.</summary>
public sealed class MartEndpointsTests
{
    [Fact]
    public async Task A_limit_outside_1_to_100000_is_refused_not_cut_and_an_unknown_mart_lists_the_marts()
    {
        using var dir = new TempDir("mart-endpoints");
        await using var host = await TestHost.StartEmbeddedAsync(dir.Path);

        foreach (var limit in new[] { "0", "-1", "100001" })
        {
            using var refused = await host.Client.GetAsync($"/api/v1/marts/daily_sales?limit={limit}");
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
            var problem = JsonDocument.Parse(await refused.Content.ReadAsStringAsync()).RootElement;
            Assert.Equal("limit must be between 1 and 100000", problem.GetProperty("detail").GetString());
            Assert.Equal("limit", problem.GetProperty("errors")[0].GetProperty("field").GetString());
        }
        using var most = await host.Client.GetAsync("/api/v1/marts/daily_sales?limit=100000");
        Assert.Equal(HttpStatusCode.OK, most.StatusCode);

        using var unknown = await host.Client.GetAsync("/api/v1/marts/daily_sale");
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        var known = JsonDocument.Parse(await unknown.Content.ReadAsStringAsync()).RootElement.GetProperty("known").EnumerateArray().Select(e => e.GetString()).ToList();
        Assert.Contains("daily_sales", known);
    }

    /// <summary>A mart of the catalog whose inputs no DAG run has written yet is a 404 that says so and names them;
    /// before, it was "'best_sellers' is not a mart" although <c>emporium marts</c> listed it with its columns.</summary>
    [Fact]
    public async Task A_catalog_mart_whose_inputs_do_not_exist_yet_says_it_is_not_available_yet()
    {
        using var dir = new TempDir("mart-endpoints-not-yet");
        await using var host = await TestHost.StartEmbeddedAsync(dir.Path);
        var mart = Emporium.Marts.MartCatalog.Find("best_sellers")!;

        using var response = await host.Client.GetAsync("/api/v1/marts/best_sellers");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("mart not available yet", problem.GetProperty("title").GetString());
        var detail = problem.GetProperty("detail").GetString()!;
        Assert.StartsWith("'best_sellers' is not available yet: it reads ", detail, StringComparison.Ordinal);
        Assert.All(mart.DependsOn, input => Assert.Contains(input, detail, StringComparison.Ordinal));
        Assert.Equal("not available yet", problem.GetProperty("errors")[0].GetProperty("error").GetString());
    }

    /// <summary>The list names every mart of the catalog with whether it can be read now, as <c>emporium marts</c>
    /// lists them all (through this server, the same answer); before, a DAG's mart appeared only once its tables existed.
    /// A view outside the catalog is listed after them.</summary>
    [Fact]
    public async Task The_list_names_every_mart_with_whether_it_is_available_and_the_cli_lists_the_same()
    {
        using var dir = new TempDir("mart-endpoints-list");
        await using var host = await TestHost.StartEmbeddedAsync(dir.Path);
        await host.Host.Backends.Warehouse!.ExecuteAsync("CREATE VIEW twelve AS SELECT i FROM range(12) t(i)", CancellationToken.None);

        var marts = JsonDocument.Parse(await host.Client.GetStringAsync("/api/v1/marts")).RootElement.GetProperty("marts").EnumerateArray().ToList();

        Assert.Equal([.. Emporium.Marts.MartCatalog.All.Select(m => m.Name), "twelve"], marts.Select(m => m.GetProperty("name").GetString()));
        var bestSellers = marts.Single(m => m.GetProperty("name").GetString() == "best_sellers");
        Assert.False(bestSellers.GetProperty("available").GetBoolean());
        Assert.Equal(Emporium.Marts.MartCatalog.Find("best_sellers")!.NotAvailableYet, bestSellers.GetProperty("reason").GetString());
        var daily = marts.Single(m => m.GetProperty("name").GetString() == "daily_sales");
        Assert.True(daily.GetProperty("available").GetBoolean());
        Assert.Equal(JsonValueKind.Null, daily.GetProperty("reason").ValueKind);
        Assert.True(marts[^1].GetProperty("available").GetBoolean());
        // Each one listed available is readable; each one not is the 404 that says so.
        foreach (var mart in marts)
        {
            using var read = await host.Client.GetAsync($"/api/v1/marts/{mart.GetProperty("name").GetString()}?limit=1");
            Assert.Equal(mart.GetProperty("available").GetBoolean() ? HttpStatusCode.OK : HttpStatusCode.NotFound, read.StatusCode);
        }

        var (code, text) = await Emporium.Tests.Batch.BatchCli.RunAsync("marts", "--format", "json", "--data", host.DataDir);
        Assert.True(code == 0, text);
        var rows = JsonDocument.Parse(text).RootElement.GetProperty("rows").EnumerateArray()
            .Select(r => (r[0].GetString(), r[1].GetBoolean())).ToList();
        Assert.Equal(marts.Select(m => (m.GetProperty("name").GetString(), m.GetProperty("available").GetBoolean())), rows);
    }

    /// <summary>A view of the warehouse outside the mart catalog is served as a mart too, cut at the limit like the
    /// others, and says so.</summary>
    [Fact]
    public async Task A_view_outside_the_catalog_says_when_the_limit_cut_it()
    {
        using var dir = new TempDir("mart-endpoints-view");
        await using var host = await TestHost.StartEmbeddedAsync(dir.Path);
        await host.Host.Backends.Warehouse!.ExecuteAsync("CREATE VIEW twelve AS SELECT i FROM range(12) t(i)", CancellationToken.None);

        foreach (var (limit, rows, truncated) in new[] { (5, 5, true), (12, 12, false), (13, 12, false) })
        {
            var table = JsonDocument.Parse(await host.Client.GetStringAsync($"/api/v1/marts/twelve?limit={limit}")).RootElement;
            Assert.Equal(rows, table.GetProperty("rows").GetArrayLength());
            Assert.Equal(truncated, table.GetProperty("truncated").GetBoolean());
        }
    }

    /// <summary>Mart names match whatever their case, as dataset names do; the answer names the mart as it is.</summary>
    [Fact]
    public async Task A_mart_name_matches_in_any_case()
    {
        using var dir = new TempDir("mart-endpoints-case");
        await using var host = await TestHost.StartEmbeddedAsync(dir.Path);
        await host.Host.Backends.Warehouse!.ExecuteAsync("CREATE VIEW twelve AS SELECT i FROM range(12) t(i)", CancellationToken.None);

        foreach (var (asked, name) in new[] { ("DAILY_SALES", "daily_sales"), ("Price_Distribution", "price_distribution"), ("TWELVE", "twelve") })
        {
            using var response = await host.Client.GetAsync($"/api/v1/marts/{asked}");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(name, JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("name").GetString());
        }
    }

    /// <summary>A mart the warehouse cannot compute (its view broken, or its data past what the engine holds) is the
    /// server's fault, not the caller's: a 500 naming the mart and the engine's reason, not an unhandled exception.</summary>
    [Fact]
    public async Task A_mart_the_warehouse_fails_to_read_is_a_500_naming_the_mart_and_why()
    {
        using var dir = new TempDir("mart-endpoints-broken");
        await using var host = await TestHost.StartEmbeddedAsync(dir.Path);
        var warehouse = host.Host.Backends.Warehouse!;
        await warehouse.ExecuteAsync("CREATE VIEW broken AS SELECT CAST(s AS INTEGER) AS i FROM (VALUES ('x')) t(s)", CancellationToken.None);
        // An amount written before amounts were bounded: the exact decimal sum of the sales marts overflows.
        await warehouse.ExecuteAsync("INSERT INTO orders (invoice_no, stock_code, description, quantity, invoice_date, unit_price, customer_id, country) VALUES ('536365', '85123A', 'WHITE HANGING HEART', 1, TIMESTAMP '2010-12-01 08:00:00', 1e33, 17850, 'france')", CancellationToken.None);

        foreach (var (mart, reason) in new[] { ("broken", "Conversion Error"), ("daily_sales", "Error") })
        {
            using var response = await host.Client.GetAsync($"/api/v1/marts/{mart}");
            Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
            var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
            Assert.Equal("mart unreadable", problem.GetProperty("title").GetString());
            Assert.StartsWith($"the warehouse could not read mart '{mart}': ", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
            Assert.Contains(reason, problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
            Assert.DoesNotContain("\n", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
            Assert.Equal(mart, problem.GetProperty("mart").GetString());
        }
        // The other marts still answer.
        using var fine = await host.Client.GetAsync("/api/v1/marts/price_distribution");
        Assert.Equal(HttpStatusCode.OK, fine.StatusCode);
    }
    /// <summary>A mart read past the warehouse's memory_limit is what a query past it is, a 507 naming the setting
    /// that bounds it: the mart endpoint took DuckDB's out-of-memory error for a broken mart, a 500 "mart unreadable"
    /// that sent the operator looking at the view.</summary>
    [Fact]
    public async Task A_mart_read_past_the_memory_limit_is_a_507_naming_the_setting()
    {
        using var dir = new TempDir("mart-endpoints-oom");
        await using var host = await TestHost.StartEmbeddedAsync(dir.Combine("data"),
            new Dictionary<string, string?> { ["Warehouse"] = $"duckdb:{dir.Combine("w.duckdb")}?memory_limit=8MB" });
        await host.Host.Backends.Warehouse!.ExecuteAsync("CREATE VIEW hungry AS SELECT list(i) AS l FROM range(20000000) t(i)", CancellationToken.None);

        using var response = await host.Client.GetAsync("/api/v1/marts/hungry");

        Assert.Equal(507, (int)response.StatusCode);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("out of memory", problem.RootElement.GetProperty("title").GetString());
        Assert.Contains("memory_limit", problem.RootElement.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }
}
