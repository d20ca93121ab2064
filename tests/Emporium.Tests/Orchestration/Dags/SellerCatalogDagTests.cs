using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Emporium.Orchestration;
using Emporium.Orchestration.Dags;
using Emporium.Tests.Sources.SellerCatalog;
using Emporium.Tests.TestSupport;
using Microsoft.AspNetCore.Http;

namespace Emporium.Tests.Orchestration.Dags;

public sealed class SellerCatalogDagTests
{
    internal const string Seller = "A02211013Q5HP3OMSZC7W";
    private static readonly DateOnly Day1 = new(2024, 9, 15);
    private static readonly DateOnly Day2 = new(2024, 9, 16);

    /// <summary>Distributors carrying some of the real captured offers (and two ASINs no seller offers).</summary>
    internal static readonly (string Asin, string Distributor, double Cost, long Stock)[] Suppliers =
    [
        ("B00DOSJ1S2", "Acme Wholesale", 18.50, 120),
        ("B003XUJ47O", "Acme Wholesale", 20.00, 0),
        ("B00DOSJ1S2", "Pantry Direct", 19.10, 40),
        ("B000RYFRVG", "Pantry Direct", 0.60, 500),
        ("B0NOTOFFER", "Pantry Direct", 5.00, 10),
        ("B0NOTOFFR2", "Lone Supply", 7.25, 3),
    ];

    [Fact]
    public async Task Seller_catalog_runs_end_to_end_and_its_marts_equal_an_independent_computation()
    {
        await using var api = await SellerCatalogStub.StartAsync();
        await using var harness = new SeedDagHarness(new SellerCatalogDag());
        var parameters = Parameters(api.BaseUrl, WriteSuppliers(harness.DataDir));

        await harness.RunAsync(Day1, parameters);

        // 429 and 500 were met and retried.
        Assert.Equal(6, api.Requests.Count);
        Assert.Contains("missing columns delivery, has_variations", harness.Log(Day1, "clean"));

        var sample = SellerCatalogStub.SampleProducts().Select(p => p!).ToList();
        var offers = sample.Select(p => new
        {
            Asin = (string)p["asin"]!,
            Title = (string)p["product_title"]!,
            Price = Money(p["product_price"]),
            Volume = Volume((string?)p["sales_volume"]),
            Ratings = (long)p["product_num_ratings"]!,
        }).ToList();

        // asin_matches: every (offered ASIN, distributor) pair.
        var expectedMatches = offers.Join(Suppliers, o => o.Asin, s => s.Asin, (o, s) => (o.Asin, o.Title, s.Distributor, Price: o.Price, s.Cost, Margin: Math.Round(o.Price!.Value - s.Cost, 2), s.Stock))
            .OrderBy(m => m.Asin, StringComparer.Ordinal).ThenBy(m => m.Distributor, StringComparer.Ordinal).ToList();
        var matches = await harness.QueryAsync("SELECT asin, product_title, distributor, seller_id, product_price, cost, margin, stock FROM asin_matches ORDER BY asin, distributor");
        Assert.Equal(expectedMatches.Count, matches.Count);
        for (var i = 0; i < matches.Count; i++)
        {
            Assert.Equal(expectedMatches[i].Asin, matches[i][0]);
            Assert.Equal(expectedMatches[i].Title, matches[i][1]);
            Assert.Equal(expectedMatches[i].Distributor, matches[i][2]);
            Assert.Equal(Seller, matches[i][3]);
            Assert.Equal(expectedMatches[i].Price, matches[i][4]);
            Assert.Equal(expectedMatches[i].Cost, matches[i][5]);
            Assert.Equal(expectedMatches[i].Margin, (double)matches[i][6]!, 6);
            Assert.Equal(expectedMatches[i].Stock, matches[i][7]);
        }

        var sellers = await harness.QueryAsync("SELECT seller_id, offers, matched_asins, match_pct FROM sellers_by_matches");
        var matchedAsins = offers.Select(o => o.Asin).Intersect(Suppliers.Select(s => s.Asin)).Count();
        Assert.Equal([Seller, (long)offers.Count, (long)matchedAsins, Math.Round(matchedAsins * 100.0 / offers.Count, 2)], Assert.Single(sellers));

        var distributors = await harness.QueryAsync("SELECT distributor, products, matched_asins, sellers, matched_stock FROM distributors_by_matches ORDER BY distributor");
        var expectedDistributors = Suppliers.GroupBy(s => s.Distributor).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g =>
        {
            var matched = g.Where(s => offers.Any(o => o.Asin == s.Asin)).ToList();
            return new object?[] { g.Key, (long)g.Count(), (long)matched.Count, matched.Count > 0 ? 1L : 0L, matched.Sum(s => s.Stock) };
        }).ToList();
        Assert.Equal(expectedDistributors, distributors);

        var best = await harness.QueryAsync("SELECT asin, sales_volume FROM best_sellers ORDER BY sales_volume DESC, product_num_ratings DESC, asin");
        var expectedBest = offers.OrderByDescending(o => o.Volume).ThenByDescending(o => o.Ratings).ThenBy(o => o.Asin, StringComparer.Ordinal)
            .Select(o => new object?[] { o.Asin, o.Volume }).ToList();
        Assert.Equal(expectedBest, best);
    }

    [Fact]
    public async Task Distributor_stock_counts_once_when_several_sellers_offer_the_asin()
    {
        await using var api = await SellerCatalogStub.StartAsync(failures: false);
        await using var harness = new SeedDagHarness(new SellerCatalogDag());
        var suppliers = WriteSuppliers(harness.DataDir);
        // Two sellers listing the same real catalog, each on its own day (both are then their seller's latest snapshot).
        await harness.RunAsync(Day1, Parameters(api.BaseUrl, suppliers));
        await harness.RunAsync(Day2, new Dictionary<string, string?>(Parameters(api.BaseUrl, suppliers)) { ["seller_id"] = "A2SECONDSELLER" });

        var offered = SellerCatalogStub.SampleProducts().Select(p => (string)p!["asin"]!).ToHashSet();
        var expected = Suppliers.GroupBy(s => s.Distributor).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g =>
        {
            var matched = g.Where(s => offered.Contains(s.Asin)).ToList();
            return new object?[] { g.Key, (long)g.Count(), (long)matched.Count, matched.Count > 0 ? 2L : 0L, matched.Sum(s => s.Stock) };
        }).ToList();
        var distributors = await harness.QueryAsync("SELECT distributor, products, matched_asins, sellers, matched_stock FROM distributors_by_matches ORDER BY distributor");

        Assert.Equal(expected, distributors);
    }

    /// <summary>A distributor's sheet that writes its ASINs in lower case (as typed into a spreadsheet) matches the
    /// seller's upper-case ASINs: an ASIN names one product whatever its case, and the exact comparison matched none,
    /// so every match count was silently 0.</summary>
    [Fact]
    public async Task A_supplier_asin_in_another_case_matches_the_offer()
    {
        await using var api = await SellerCatalogStub.StartAsync(failures: false);
        await using var harness = new SeedDagHarness(new SellerCatalogDag());
        var path = Path.Combine(harness.DataDir, "distributors-lower.csv");
        File.WriteAllLines(path, ["asin,distributor,cost,stock", .. Suppliers.Select(s => $"{s.Asin.ToLowerInvariant()},{s.Distributor},{s.Cost.ToString(CultureInfo.InvariantCulture)},{s.Stock}")]);

        await harness.RunAsync(Day1, Parameters(api.BaseUrl, path));

        var offered = SellerCatalogStub.SampleProducts().Select(p => (string)p!["asin"]!).ToHashSet();
        var expected = Suppliers.Where(s => offered.Contains(s.Asin)).Select(s => $"{s.Asin} {s.Distributor}").Order(StringComparer.Ordinal).ToList();
        Assert.NotEmpty(expected);
        Assert.Equal(expected, (await harness.QueryAsync("SELECT asin, distributor FROM asin_matches ORDER BY asin, distributor")).Select(r => $"{r[0]} {r[1]}"));
        Assert.Equal((long)expected.Select(e => e.Split(' ')[0]).Distinct().Count(), (await harness.QueryAsync("SELECT matched_asins FROM sellers_by_matches"))[0][0]);
        Assert.Equal(
            Suppliers.Where(s => offered.Contains(s.Asin)).Sum(s => s.Stock),
            (await harness.QueryAsync("SELECT SUM(matched_stock) FROM distributors_by_matches"))[0][0] is { } stock ? Convert.ToInt64(stock, CultureInfo.InvariantCulture) : 0);
    }

    /// <summary>ASINs match ignoring case, but the counts were of the ASINs as written: a second seller listing the same
    /// products in lower case, and a distributor listing one ASIN in both cases, counted each such ASIN twice
    /// (distributors' products and matched ASINs, and the matched stock of every row twice over).</summary>
    [Fact]
    public async Task An_asin_written_in_two_cases_counts_once_in_the_match_marts()
    {
        var lower = false;
        await using var api = await SellerCatalogStub.StartAsync((_, products) =>
        {
            if (Volatile.Read(ref lower))
                foreach (var p in products)
                    p!["asin"] = ((string)p["asin"]!).ToLowerInvariant();
            return products;
        }, failures: false);
        await using var harness = new SeedDagHarness(new SellerCatalogDag());
        var path = Path.Combine(harness.DataDir, "distributors-two-cases.csv");
        (string Asin, string Distributor, double Cost, long Stock)[] suppliers = [.. Suppliers, ("b00dosj1s2", "Acme Wholesale", 18.40, 7)];
        File.WriteAllLines(path, ["asin,distributor,cost,stock", .. suppliers.Select(s => $"{s.Asin},{s.Distributor},{s.Cost.ToString(CultureInfo.InvariantCulture)},{s.Stock}")]);
        await harness.RunAsync(Day1, Parameters(api.BaseUrl, path));
        Volatile.Write(ref lower, true);
        await harness.RunAsync(Day2, new Dictionary<string, string?>(Parameters(api.BaseUrl, path)) { ["seller_id"] = "A2SECONDSELLER" });

        var offered = SellerCatalogStub.SampleProducts().Select(p => ((string)p!["asin"]!).ToUpperInvariant()).ToHashSet();
        var expected = suppliers.GroupBy(s => s.Distributor).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g =>
        {
            var matched = g.Where(s => offered.Contains(s.Asin.ToUpperInvariant())).ToList();
            return new object?[]
            {
                g.Key, (long)g.Select(s => s.Asin.ToUpperInvariant()).Distinct().Count(),
                (long)matched.Select(s => s.Asin.ToUpperInvariant()).Distinct().Count(), matched.Count > 0 ? 2L : 0L, matched.Sum(s => s.Stock),
            };
        }).ToList();
        Assert.Equal(expected, await harness.QueryAsync("SELECT distributor, products, matched_asins, sellers, matched_stock FROM distributors_by_matches ORDER BY distributor"));

        var matchedAsins = (long)offered.Count(a => suppliers.Any(s => s.Asin.ToUpperInvariant() == a));
        Assert.Equal(
            [[Seller, (long)offered.Count, matchedAsins], ["A2SECONDSELLER", (long)offered.Count, matchedAsins]],
            await harness.QueryAsync("SELECT seller_id, offers, matched_asins FROM sellers_by_matches ORDER BY seller_id"));
    }

    /// <summary>A day whose catalog came back empty wrote no offers, so the seller marts (each seller's latest day of
    /// offers) kept showing the day before's while the alerts said every product was out of stock.</summary>
    [Fact]
    public async Task An_empty_catalog_is_the_sellers_latest_snapshot_and_the_marts_show_no_offers_of_it()
    {
        var empty = false;
        await using var api = await SellerCatalogStub.StartAsync((_, products) => Volatile.Read(ref empty) ? [] : products, failures: false);
        await using var harness = new SeedDagHarness(new SellerCatalogDag());
        var suppliers = WriteSuppliers(harness.DataDir);
        Assert.Equal(RunState.Success, (await harness.RunAsync(Day1, Parameters(api.BaseUrl, suppliers))).State);
        var offered = SellerCatalogStub.SampleProducts().Count;
        Assert.NotEmpty(await harness.QueryAsync("SELECT asin FROM asin_matches"));

        Volatile.Write(ref empty, true);
        Assert.Equal(RunState.Success, (await harness.RunAsync(Day2, Parameters(api.BaseUrl, suppliers))).State);

        Assert.Empty(await harness.QueryAsync("SELECT asin FROM asin_matches"));
        Assert.Empty(await harness.QueryAsync("SELECT seller_id FROM sellers_by_matches"));
        Assert.Empty(await harness.QueryAsync("SELECT asin FROM best_sellers"));
        Assert.All(await harness.QueryAsync("SELECT matched_asins, sellers FROM distributors_by_matches"), r => Assert.Equal(new object?[] { 0L, 0L }, r));
        Assert.Equal(
            [[Seller, Day1.ToDateTime(TimeOnly.MinValue), (long)offered], [Seller, Day2.ToDateTime(TimeOnly.MinValue), 0L]],
            await harness.QueryAsync("SELECT seller_id, snapshot_date, offers FROM seller_snapshots ORDER BY snapshot_date"));
        // The day before's offers stay as history.
        Assert.Equal([[(long)offered]], await harness.QueryAsync($"SELECT count(*) FROM seller_offers WHERE snapshot_date = DATE '{Day1:yyyy-MM-dd}'"));
    }

    [Fact]
    public async Task Best_sellers_order_two_sellers_of_one_asin_by_seller()
    {
        await using var api = await SellerCatalogStub.StartAsync(failures: false);
        await using var harness = new SeedDagHarness(new SellerCatalogDag());
        // Two sellers list the same catalog, so every offer ties with the other seller's; the later id is loaded first.
        await harness.RunAsync(Day1, new Dictionary<string, string?>(Parameters(api.BaseUrl, null)) { ["seller_id"] = "SELLER-B" });
        await harness.RunAsync(Day2, new Dictionary<string, string?>(Parameters(api.BaseUrl, null)) { ["seller_id"] = "SELLER-A" });

        var offers = SellerCatalogStub.SampleProducts().Select(p => p!).Select(p => (Asin: (string)p["asin"]!, Volume: Volume((string?)p["sales_volume"]), Ratings: (long)p["product_num_ratings"]!)).ToList();
        var expected = offers.SelectMany(o => new[] { "SELLER-A", "SELLER-B" }.Select(s => (o.Asin, o.Volume, o.Ratings, Seller: s)))
            .OrderByDescending(o => o.Volume).ThenByDescending(o => o.Ratings).ThenBy(o => o.Asin, StringComparer.Ordinal).ThenBy(o => o.Seller, StringComparer.Ordinal)
            .Select(o => $"{o.Asin} {o.Seller}").ToList();
        var best = await new Emporium.Marts.MartService(harness.Warehouse).QueryAsync("best_sellers", 100, CancellationToken.None);

        Assert.Equal(expected, best.Rows.Select(r => $"{r[0]} {r[2]}"));
    }

    [Theory]
    [InlineData("max_pages", "0", "DAG 'seller_catalog': parameter 'max_pages' is '0' (given to the run): expected a whole number of at least 1")]
    [InlineData("requests_per_second", "-2", "DAG 'seller_catalog': parameter 'requests_per_second' is '-2' (given to the run): expected a number of at least 0")]
    [InlineData("max_retry_after", "-00:00:01", "DAG 'seller_catalog': parameter 'max_retry_after' is '-00:00:01' (given to the run): expected a duration of zero or more, like 00:00:30")]
    public async Task A_client_setting_out_of_range_is_refused_before_the_run_exists(string name, string value, string message)
    {
        await using var harness = new SeedDagHarness(new SellerCatalogDag());
        var e = Assert.Throws<InvalidDagParamException>(() => harness.Engine.Trigger("seller_catalog", Day1.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc),
            new Dictionary<string, string?>(Parameters(new Uri("http://127.0.0.1:9/"), null)) { [name] = value }));
        Assert.Equal(message, e.Message);
        Assert.Empty(harness.Store.Runs("seller_catalog"));
    }

    [Theory]
    [InlineData("api_url", "api.example.com", "parameter 'api_url': 'api.example.com' is not an http:// or https:// URL")]
    [InlineData("requests_per_second", "Infinity", "parameter 'requests_per_second' must be a finite number (0 for no pacing)")]
    // Its credentials stay out of the task's log and error, as they do out of the run's params.
    [InlineData("api_url", "htps://seller:s3cr3t@api.example.com/v1?key=k3y", "parameter 'api_url': 'htps://seller:***@api.example.com/v1?key=***' is not an http:// or https:// URL")]
    public async Task A_bad_client_setting_fails_the_extract_at_once_naming_the_parameter(string name, string value, string message)
    {
        await using var api = await SellerCatalogStub.StartAsync(failures: false);
        await using var harness = new SeedDagHarness(new SellerCatalogDag());

        var (log, state) = await harness.FirstTryAsync(Day1, new Dictionary<string, string?>(Parameters(api.BaseUrl, null)) { [name] = value }, "extract");

        // It was retried twice, a minute and more apart, with "options.MaxPages ('0') must be greater than or equal to '1'".
        Assert.Contains(message, log, StringComparison.Ordinal);
        Assert.Equal(TaskState.Failed, state);
        Assert.Empty(api.Requests);
    }

    [Fact]
    public async Task A_Retry_After_beyond_max_retry_after_fails_the_extract_try_at_once_naming_the_wait()
    {
        await using var api = await StubHttpServer.StartAsync(async (context, _) =>
        {
            context.Response.StatusCode = 429;
            context.Response.Headers.RetryAfter = "120";
            await context.Response.WriteAsync("{\"message\":\"Too many requests\"}");
        });
        await using var harness = new SeedDagHarness(new SellerCatalogDag());

        var (log, state) = await harness.FirstTryAsync(Day1, new Dictionary<string, string?>(Parameters(api.BaseUrl, null)) { ["max_retry_after"] = "00:00:30" }, "extract");

        Assert.Contains("seller catalog page 1: HTTP 429 Too Many Requests (Retry-After asks for 120 s, more than the 30 s max_retry_after", log, StringComparison.Ordinal);
        Assert.Equal(TaskState.UpForRetry, state);
        Assert.Single(api.Requests);
    }

    [Fact]
    public async Task Alerts_fire_once_per_change_and_reach_the_webhook()
    {
        var received = new List<JsonElement>();
        await using var webhook = await StubHttpServer.StartAsync(async (context, request) =>
        {
            lock (received)
            {
                received.Add(JsonDocument.Parse(request.Body).RootElement.Clone());
            }
            context.Response.StatusCode = 204;
            await Task.CompletedTask;
        });
        var sample = SellerCatalogStub.SampleProducts();
        string Asin(int i) => (string)sample[i]!["asin"]!;
        var day2 = false;
        await using var api = await SellerCatalogStub.StartAsync((page, products) =>
        {
            if (!day2)
            {
                return products;
            }
            var changed = new JsonArray();
            foreach (var p in products)
            {
                var asin = (string)p!["asin"]!;
                if (asin == Asin(3))
                {
                    continue; // no longer offered → out of stock
                }
                var copy = p.DeepClone();
                if (asin == Asin(0))
                {
                    copy["product_price"] = "$28.73"; // 23.94 → 28.73: +20 %
                }
                if (asin == Asin(1))
                {
                    copy["sales_volume"] = "1K+ bought in past month"; // 100+ → 1K+
                }
                if (asin == Asin(2))
                {
                    copy["product_price"] = "$1.04"; // +5 %: below the threshold
                }
                changed.Add(copy);
            }
            return changed;
        }, failures: false);
        await using var harness = new SeedDagHarness(new SellerCatalogDag());
        var parameters = new Dictionary<string, string?>(Parameters(api.BaseUrl, null)) { ["webhooks"] = new Uri(webhook.BaseUrl, "hook").ToString() };

        await harness.RunAsync(Day1, parameters);
        Assert.Empty(received); // the first snapshot has nothing to compare with
        day2 = true;
        await harness.RunAsync(Day2, parameters);
        await harness.RunAsync(Day2, parameters); // a re-run of the day detects the same changes: nothing new is sent

        var kinds = received.Select(a => (a.GetProperty("kind").GetString(), a.GetProperty("asin").GetString())).OrderBy(k => k.Item1).ToList();
        Assert.Equal(
            [("demand_jump", Asin(1)), ("out_of_stock", Asin(3)), ("price_change", Asin(0))],
            kinds);
        var price = received.Single(a => a.GetProperty("kind").GetString() == "price_change");
        Assert.Equal(23.94, price.GetProperty("old_value").GetDouble());
        Assert.Equal(28.73, price.GetProperty("new_value").GetDouble());
        Assert.Equal(Math.Round((28.73 - 23.94) / 23.94 * 100, 2), price.GetProperty("change_pct").GetDouble(), 6);
        Assert.Equal(3, webhook.Requests.Select(r => r.Headers["Idempotency-Key"]).Distinct().Count());
        var stored = await harness.QueryAsync("SELECT COUNT(*) FROM alerts");
        Assert.Equal(3L, stored[0][0]);
        var delivered = await harness.QueryAsync("SELECT state, COUNT(*) FROM alert_deliveries GROUP BY state");
        Assert.Equal([["delivered", 3L]], delivered);
    }

    /// <summary>An offer that leaves the seller's catalog is out of stock; when it is listed again it is back in stock.
    /// It was taken for a new listing (absent from the day before, so nothing to compare with) and raised nothing, and
    /// after a day whose whole catalog came back empty (every offer out of stock) the next day was compared with the
    /// last day that had offers, so nothing came back either.</summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task An_offer_that_leaves_the_catalog_and_returns_is_out_of_stock_then_back_in_stock(bool wholeCatalogEmpty)
    {
        var sample = SellerCatalogStub.SampleProducts();
        string Asin(int i) => (string)sample[i]!["asin"]!;
        var day = 1;
        await using var api = await SellerCatalogStub.StartAsync((_, products) =>
        {
            if (Volatile.Read(ref day) != 2)
            {
                return products;
            }
            var listed = new JsonArray();
            foreach (var p in products.Where(p => !wholeCatalogEmpty && (string)p!["asin"]! != Asin(3)))
            {
                listed.Add(p!.DeepClone());
            }
            return listed;
        }, failures: false);
        await using var harness = new SeedDagHarness(new SellerCatalogDag());
        var day3 = Day2.AddDays(1);
        var gone = wholeCatalogEmpty ? sample.Select(p => (string)p!["asin"]!).Order(StringComparer.Ordinal).ToList() : [Asin(3)];

        await harness.RunAsync(Day1, Parameters(api.BaseUrl, null));
        Volatile.Write(ref day, 2);
        await harness.RunAsync(Day2, Parameters(api.BaseUrl, null));
        Volatile.Write(ref day, 3);
        await harness.RunAsync(day3, Parameters(api.BaseUrl, null));
        await harness.RunAsync(day3, Parameters(api.BaseUrl, null)); // a re-run finds the same alerts: nothing new

        async Task<List<string>> Alerts(DateOnly observed, string kind) =>
            (await harness!.QueryAsync($"SELECT asin FROM alerts WHERE observed_for = DATE '{observed:yyyy-MM-dd}' AND kind = '{kind}' ORDER BY asin")).Select(r => (string)r[0]!).ToList();
        Assert.Equal(gone, await Alerts(Day2, "out_of_stock"));
        Assert.Equal(gone, await Alerts(day3, "back_in_stock"));
        Assert.Equal([[(long)gone.Count + gone.Count]], await harness.QueryAsync("SELECT COUNT(*) FROM alerts"));
        var back = await harness.QueryAsync($"SELECT old_value, new_value, message FROM alerts WHERE asin = '{Asin(3)}' AND kind = 'back_in_stock'");
        Assert.Null(back[0][0]);
        Assert.Equal(Money(sample[3]!["product_price"]), back[0][1]);
        Assert.Contains("is back in stock at", (string)back[0][2]!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_failing_webhook_is_retried_and_never_fails_the_run()
    {
        var calls = 0;
        await using var flaky = await StubHttpServer.StartAsync((context, _) =>
        {
            context.Response.StatusCode = Interlocked.Increment(ref calls) <= 2 ? 500 : 200;
            return Task.CompletedTask;
        });
        await using var dead = await StubHttpServer.StartAsync((context, _) =>
        {
            context.Response.StatusCode = 503;
            return Task.CompletedTask;
        });
        var day2 = false;
        await using var api = await SellerCatalogStub.StartAsync((_, products) =>
        {
            if (day2)
            {
                foreach (var p in products)
                {
                    p!["product_price"] = "$99.00";
                }
            }
            return products;
        }, failures: false);
        await using var harness = new SeedDagHarness(new SellerCatalogDag());
        var parameters = new Dictionary<string, string?>(Parameters(api.BaseUrl, null))
        {
            ["webhooks"] = $"{new Uri(flaky.BaseUrl, "a")},{new Uri(dead.BaseUrl, "b")}",
            ["webhook_retries"] = "3",
            ["webhook_retry_delay"] = "00:00:00.020",
        };

        await harness.RunAsync(Day1, parameters);
        day2 = true;
        await harness.RunAsync(Day2, parameters);

        var alerts = (long)(await harness.QueryAsync("SELECT COUNT(*) FROM alerts"))[0][0]!;
        Assert.Equal(4L, alerts); // every offer's price changed
        var states = (await harness.QueryAsync("SELECT webhook, state, attempts FROM alert_deliveries ORDER BY webhook, alert_id"))
            .Select(r => ((string)r[0]!, (string)r[1]!, (long)r[2]!)).ToList();
        // The flaky hook got every alert after retries; the dead one stays pending for the next run (tried once
        // per dispatch, not once per alert).
        Assert.All(states.Where(s => s.Item1.EndsWith("/a")), s => Assert.Equal("delivered", s.Item2));
        Assert.All(states.Where(s => s.Item1.EndsWith("/b")), s => Assert.Equal("pending", s.Item2));
        Assert.Equal(4, flaky.Requests.Count - 2);
        Assert.Equal(4, dead.Requests.Count); // 1 try + 3 retries, then the hook is skipped for this dispatch
        Assert.Contains("pending", harness.Log(Day2, "alerts"));
    }

    [Fact]
    public async Task A_webhook_that_is_not_an_http_url_fails_the_alerts_task_at_once_and_stores_no_alert()
    {
        await using var api = await SellerCatalogStub.StartAsync((_, products) => products, failures: false);
        await using var harness = new SeedDagHarness(new SellerCatalogDag());
        var parameters = new Dictionary<string, string?>(Parameters(api.BaseUrl, null)) { ["webhooks"] = "https://hooks.example/ok, hooks.example/services/T0/s3cr3t, ftp://hooks.example/s3cr3t" };

        var failed = await Assert.ThrowsAnyAsync<Exception>(() => harness.RunAsync(Day1, parameters));

        Assert.Contains("ended Failed", failed.Message, StringComparison.Ordinal);
        var run = harness.Store.Runs(harness.Dag.Name).Single();
        var alerts = harness.Store.GetTask(run.Key, "alerts")!;
        Assert.Equal((Emporium.Orchestration.TaskState.Failed, 1), (alerts.State, alerts.TryNumber));
        // A webhook's URL is its credential: the error says which one, not what it is (the run's params mask it too).
        Assert.Contains("parameter 'webhooks': webhook 2 of 3 ('***') is not an http:// or https:// URL", alerts.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cr3t", alerts.Error, StringComparison.Ordinal);
        Assert.Equal(0L, (await harness.QueryAsync("SELECT COUNT(*) FROM alert_deliveries"))[0][0]);
    }

    internal static Dictionary<string, string?> Parameters(Uri api, string? supplierFile) => new()
    {
        ["api_url"] = api.ToString(),
        ["api_key"] = SellerCatalogStub.ApiKey,
        ["seller_id"] = Seller,
        ["requests_per_second"] = "50",
        ["supplier_file"] = supplierFile,
    };

    internal static string WriteSuppliers(string dir)
    {
        var path = Path.Combine(dir, "distributors.csv");
        File.WriteAllLines(path, ["asin,distributor,cost,stock", .. Suppliers.Select(s => $"{s.Asin},{s.Distributor},{s.Cost.ToString(CultureInfo.InvariantCulture)},{s.Stock}")]);
        return path;
    }

    private static double? Money(JsonNode? node) =>
        node is null ? null : double.Parse(((string)node!).TrimStart('$').Replace(",", ""), CultureInfo.InvariantCulture);

    private static long Volume(string? text)
    {
        var number = text!.Split('+')[0];
        return number.EndsWith('K') ? long.Parse(number[..^1]) * 1000 : long.Parse(number);
    }
}
