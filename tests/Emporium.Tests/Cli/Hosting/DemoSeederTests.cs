using System.Globalization;
using System.Net.Http.Json;
using Emporium.Cli.Hosting;
using Emporium.Cli.Web;
using Emporium.Datasets;
using Emporium.Demo;
using Emporium.Orchestration;
using Microsoft.Extensions.DependencyInjection;
using Emporium.Tests.TestSupport;

namespace Emporium.Tests.Cli.Hosting;

public sealed class DemoSeederTests
{
    [Fact]
    public async Task SendsEveryDatasetThroughIngestOnceAndOnlyIntoAnEmptyDataDir()
    {
        var log = new InMemoryEventLog();
        await using var host = await TestHost.StartAsync(log, RecordNormalizer.Instance);
        var sizes = new DemoSeeder.Sizes(Products: 300, Reviews: 1200, Orders: 2500);
        var output = new StringWriter();

        await DemoSeeder.SeedIfEmptyAsync(host.Host, output, CancellationToken.None, sizes);
        await DemoSeeder.SeedIfEmptyAsync(host.Host, output, CancellationToken.None, sizes);

        Assert.Equal(CategoryNames.All.Count, log.Messages("categories").Count);
        Assert.Equal(300, log.Messages("products").Count);
        Assert.Equal(1200, log.Messages("reviews").Count);
        Assert.Equal(2500, log.Messages("orders").Count);
        // What reached the log is the normalized form: orders' countries are lower-cased like any client's.
        var order = CanonicalJson.Deserialize(DatasetCatalog.Orders, log.Messages("orders")[0].Value.Span);
        Assert.Equal(((string)order["country"]!).ToLowerInvariant(), order["country"]);
        Assert.Contains($"sent {CategoryNames.All.Count} categories", output.ToString().Replace(",", ""));
        Assert.Contains("already holds records", output.ToString());
    }

    /// <summary>Rows loaded from files (<c>emporium load</c>) go straight to the warehouse, never through the log: a
    /// data dir holding only those holds records too, and <c>up --demo</c> must not mix generated rows into them (the
    /// demo's products and categories share their keys with <c>emporium generate</c>'s and replaced the loaded ones).</summary>
    [Fact]
    public async Task A_data_dir_holding_only_loaded_rows_is_left_alone()
    {
        using var dir = new TempDir("demo-loaded");
        var file = dir.Combine("orders.ndjson");
        await File.WriteAllTextAsync(file, """{"invoice_no":"536365","quantity":6,"unit_price":2.55,"invoice_date":"2010-12-01T08:26:00Z"}""" + "\n");
        await using var host = await TestHost.StartEmbeddedAsync(dir.Combine("data"));
        using (var load = await host.Client.PostAsJsonAsync("/api/v1/load", new { paths = new[] { file }, dataset = "orders" }))
        {
            Assert.Equal(System.Net.HttpStatusCode.OK, load.StatusCode);
        }
        var output = new StringWriter();

        await DemoSeeder.SeedIfEmptyAsync(host.Host, output, CancellationToken.None, new DemoSeeder.Sizes(Products: 50, Reviews: 50, Orders: 50));

        Assert.Contains("already holds records", output.ToString(), StringComparison.Ordinal);
        foreach (var dataset in DatasetCatalog.All)
        {
            Assert.All((await host.Host.Backends.Log!.GetEndOffsetsAsync(dataset.Name, CancellationToken.None)).Values, end => Assert.Equal(0, end));
        }
        var orders = await host.Host.Backends.Warehouse!.QueryAsync("SELECT count(*) FROM orders", CancellationToken.None);
        Assert.Equal(1L, Convert.ToInt64(orders.Rows[0][0], CultureInfo.InvariantCulture));
    }

    /// <summary>The demo computes a week of user behaviour from its own orders (it has no PostgreSQL): every customer's
    /// spend per day equals the sum over the order lines the ingest accepted. And two snapshots of the demo seller's
    /// catalog go through the real seller_catalog DAG (HTTP client, cleaner, snapshot, matches, alerts): the offers,
    /// matches and alerts equal what the demo API serves for the two days.</summary>
    [Fact]
    public async Task Queues_a_week_of_user_behaviour_and_two_seller_snapshots_that_raise_alerts()
    {
        var output = new StringWriter();
        await using var host = await StartSeededAsync(output);

        var engine = host.Host.App.Services.GetRequiredService<DagEngine>();
        Assert.Contains("user_behaviour queued for", output.ToString(), StringComparison.Ordinal);
        // The review classifier is the ML model, trained once on the demo's reviews and loaded by the other days.
        var models = engine.Store.Runs("user_behaviour").Select(r => engine.Store.XComs(r.Key, "classify_movie_reviews")).ToList();
        Assert.All(models, x => Assert.StartsWith("\"models/review_sentiment/", x["model"], StringComparison.Ordinal));
        Assert.Single(models, x => x["model_loaded"] == "false");
        Assert.Contains("seller_catalog queued for", output.ToString(), StringComparison.Ordinal);
        var warehouse = host.Host.Backends.Warehouse!;
        async Task<IReadOnlyList<object?[]>> Rows(string sql) => (await warehouse.QueryAsync(sql, CancellationToken.None)).Rows;

        // The model's verdicts on the week's generated movie reviews, against the polarity each was composed with.
        var verdicts = new List<(bool Model, bool Composed)>();
        foreach (var run in engine.Store.Runs("user_behaviour"))
        {
            var day = DateOnly.FromDateTime(run.Key.LogicalDate);
            var customers = (await Rows($"SELECT DISTINCT customer_id FROM orders WHERE customer_id IS NOT NULL AND CAST(invoice_date AS DATE) = DATE '{day:yyyy-MM-dd}'"))
                .Select(r => Convert.ToInt64(r[0], CultureInfo.InvariantCulture)).ToList();
            var composed = MovieReviewGenerator.Generate(customers, day.DayNumber).ToList();
            var path = System.Text.Json.JsonSerializer.Deserialize<string>(engine.Store.XComs(run.Key, "classify_movie_reviews")["path"])!;
            var staged = Emporium.Tests.Sources.Postgres.PostgresExtractorTests.ReadCsv(Path.Combine(host.DataDir, "lake", path));
            Assert.Equal(composed.Select(r => r.Cid.ToString(CultureInfo.InvariantCulture)), staged.Select(r => r["cid"]));
            verdicts.AddRange(staged.Zip(composed, (s, c) => (s["positive_review"] == "true", c.Positive)));
        }
        var agreement = verdicts.Count(v => v.Model == v.Composed) / (double)verdicts.Count;
        Assert.True(verdicts.Count(v => v.Composed) >= 3 && verdicts.Count(v => !v.Composed) >= 3, $"{verdicts.Count} reviews of both kinds");
        // So the share of positive reviews in the staged file is within 5 points of the share composed.
        Assert.True(agreement >= 0.95, $"the model agrees with the composed polarity on {agreement:P1} of {verdicts.Count} reviews "
            + $"({verdicts.Count(v => v.Model)} called positive, {verdicts.Count(v => v.Composed)} composed positive)");

        var expected = await Rows("""
            SELECT CAST(invoice_date AS DATE) AS d, customer_id, sum(CAST(quantity AS DECIMAL(18,3)) * CAST(unit_price AS DECIMAL(18,3))) AS spent
            FROM orders WHERE customer_id IS NOT NULL AND CAST(invoice_date AS DATE) >= (SELECT max(CAST(invoice_date AS DATE)) - 6 FROM orders)
            GROUP BY 1, 2 ORDER BY 1, 2
            """);
        var metric = await Rows("SELECT insert_date, customer_id, amount_spent FROM user_behavior_metric ORDER BY 1, 2");
        Assert.NotEmpty(expected);
        Assert.Equal(expected.Count, metric.Count);
        for (var i = 0; i < expected.Count; i++)
        {
            Assert.Equal(expected[i][1], metric[i][1]);
            Assert.Equal(Convert.ToDouble(expected[i][2], CultureInfo.InvariantCulture), Convert.ToDouble(metric[i][2], CultureInfo.InvariantCulture), 6);
        }

        // The seller's two snapshots, as the demo API served them.
        var products = await DemoEndpoints.ProductsAsync(warehouse, CancellationToken.None);
        var days = engine.Store.Runs("seller_catalog").Select(r => DateOnly.FromDateTime(r.Key.LogicalDate)).Order().ToList();
        var before = DemoSellerCatalog.Offers(products, days[0]).ToDictionary(o => o.Asin);
        var after = DemoSellerCatalog.Offers(products, days[1]).ToDictionary(o => o.Asin);
        var offers = await Rows($"SELECT asin, product_price FROM seller_offers WHERE CAST(snapshot_date AS DATE) = DATE '{days[1]:yyyy-MM-dd}' ORDER BY asin");
        Assert.Equal(after.Keys.Order(StringComparer.Ordinal), offers.Select(r => (string)r[0]!));
        Assert.All(offers, r => Assert.Equal(after[(string)r[0]!].Price, (double?)r[1]));
        var supplied = File.ReadLines(Path.Combine(host.DataDir, "demo", "distributors.csv")).Skip(1).Select(l => l.Split(',')[0]).ToHashSet();
        Assert.Equal(after.Keys.Count(supplied.Contains), Convert.ToInt64((await Rows("SELECT count(DISTINCT asin) FROM asin_matches"))[0][0], CultureInfo.InvariantCulture));
        var priceChanges = before.Keys.Intersect(after.Keys)
            .Where(a => Math.Abs(after[a].Price!.Value - before[a].Price!.Value) / before[a].Price!.Value >= 0.10).Order(StringComparer.Ordinal).ToList();
        var gone = before.Keys.Except(after.Keys).Order(StringComparer.Ordinal).ToList();
        Assert.NotEmpty(priceChanges);
        Assert.NotEmpty(gone);
        Assert.Equal(priceChanges, (await Rows("SELECT asin FROM alerts WHERE kind = 'price_change' ORDER BY asin")).Select(r => (string)r[0]!));
        Assert.Equal(gone, (await Rows("SELECT asin FROM alerts WHERE kind = 'out_of_stock' ORDER BY asin")).Select(r => (string)r[0]!));
    }

    /// <summary>An embedded server in demo mode, seeded with a small demo, once every DAG run the demo queued has
    /// succeeded (asserted).</summary>
    /// <param name="warehouse">A warehouse address (<c>--warehouse</c>), or null for the embedded DuckDB.</param>
    internal static async Task<TestHost> StartSeededAsync(StringWriter output, string? warehouse = null)
    {
        var flags = new Dictionary<string, string?> { ["Demo"] = "true" };
        if (warehouse is not null)
        {
            flags["Warehouse"] = warehouse;
        }
        var host = await TestHost.StartEmbeddedAsync(flags: flags);
        try
        {
            await DemoSeeder.SeedIfEmptyAsync(host.Host, output, CancellationToken.None, new DemoSeeder.Sizes(Products: 400, Reviews: 300, Orders: 3000));
            var engine = host.Host.App.Services.GetRequiredService<DagEngine>();
            Assert.Equal(DemoSeeder.UserBehaviourDays, engine.Store.Runs("user_behaviour").Count);
            Assert.Equal(2, engine.Store.Runs("seller_catalog").Count);
            using var guard = new CancellationTokenSource(TimeSpan.FromMinutes(3));
            foreach (var run in engine.Store.Runs("user_behaviour").Concat(engine.Store.Runs("seller_catalog")))
            {
                var done = await engine.WaitForRunAsync(run.Key, guard.Token);
                Assert.True(done.State == RunState.Success, $"{run.Key}: {done.State}\n{output}");
            }
            return host;
        }
        catch
        {
            await host.DisposeAsync();
            throw;
        }
    }
}
