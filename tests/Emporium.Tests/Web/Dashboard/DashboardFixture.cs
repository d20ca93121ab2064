using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Emporium.Tests.Orchestration.Dags;
using Emporium.Tests.Sources.SellerCatalog;
using Emporium.Tests.TestSupport;
using Microsoft.Playwright;

namespace Emporium.Tests.Web.Dashboard;

/// <summary>One server loaded with the real samples and one headless Chromium, shared by the dashboard tests. The
/// server also ran the built-in DAGs that fill the Customers and Sellers pages: <c>user_behaviour</c> over the real
/// <c>user_purchase</c> export in a real PostgreSQL, and <c>seller_catalog</c> (ASIN matching, its marts and alerts)
/// over the real captured search response served by the stub API of the orchestrator tests, on two days.</summary>
public sealed class DashboardFixture : IAsyncLifetime
{
    private IPlaywright? playwright;

    private readonly TempDir crawlDir = new("dashboard-crawl");

    private readonly PostgresServer postgres = new();

    /// <summary>Input files of the DAG runs (the distributors' catalog), apart from the crawled folder.</summary>
    private readonly TempDir dagFiles = new("dashboard-dags");

    private StubHttpServer? sellerApi;

    /// <summary>The day of the real <c>user_purchase</c> sample (all its invoices are of 2010-12-02).</summary>
    public const string BehaviourDay = "2010-12-02";

    /// <summary>Two snapshots of the seller's catalog: the second changes a price and drops an offer, so alerts fire.</summary>
    public static readonly string[] SellerDays = ["2024-09-15", "2024-09-16"];

    /// <summary>The offer whose price rises 20 % on the second day, and the one no longer offered then.</summary>
    public static string RaisedAsin => (string)SellerCatalogStub.SampleProducts()[0]!["asin"]!;

    public static string DroppedAsin => (string)SellerCatalogStub.SampleProducts()[3]!["asin"]!;

    /// <summary>A table crawled once from a Hive-partitioned folder of a real sample file, for the Catalog page.</summary>
    public const string CrawledTable = "crawled_reviews";

    /// <summary>The PostgreSQL server of the fixture (started with it), for tests that need a database of their own.</summary>
    public PostgresServer Postgres => postgres;

    public EmporiumProcess Server { get; private set; } = null!;

    public HttpClient Http { get; private set; } = null!;

    public IBrowser Browser { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        // Runs come only from the DAGs this fixture triggers: no scheduled run of yesterday competes for a DAG's slot.
        Server = await EmporiumProcess.StartAsync(new Dictionary<string, string> { ["EMPORIUM__ORCHESTRATOR__SCHEDULING"] = "false" });
        Http = new HttpClient { BaseAddress = Server.BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
        var dags = RunSeedDagsAsync();
        await SampleLoader.SendCsvAsync(Http, "categories", SampleData.CategoriesCsv);
        await SampleLoader.SendCsvAsync(Http, "products", SampleData.ProductsCsv);
        await SampleLoader.SendJsonLinesAsync(Http, "reviews", SampleData.McAuleyReviews);
        await SampleLoader.SendCsvAsync(Http, "orders", SampleData.OnlineRetail);
        // Generous: on a loaded 2-core machine the processor needs far longer than its freshness target.
        await WaitProcessedAsync(TimeSpan.FromSeconds(240));
        await CrawlSampleAsync();
        await dags;

        playwright = await Playwright.CreateAsync();
        // An expectation retries until it holds, so its timeout only bounds a failure. Playwright's 5 s default is
        // shorter than a page's poll, the server's answer and the render take on a loaded 2-core machine (the stream
        // processor and DAG runs behind some of them longer still): expectations get the 30 s a page gets to be ready.
        Assertions.SetDefaultExpectTimeout(30_000);
        Browser = await playwright.Chromium.LaunchAsync(new()
        {
            ExecutablePath = "/usr/bin/chromium",
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
        });
    }

    /// <summary>Waits until the processor has caught up with everything acknowledged: no consumer lag, and row counts
    /// that stay the same across two polls.</summary>
    public async Task WaitProcessedAsync(TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        string? previousRows = null;
        while (true)
        {
            var datasets = (await Http.GetFromJsonAsync<JsonElement>("api/v1/datasets")).GetProperty("datasets");
            var lagging = datasets.EnumerateArray().Any(d =>
                d.TryGetProperty("log", out var log) && log.TryGetProperty("lag", out var lag) && lag.ValueKind == JsonValueKind.Number && lag.GetInt64() > 0);
            var rows = string.Join(",", datasets.EnumerateArray().Select(d => d.GetProperty("rows").ToString()));
            if (!lagging && rows == previousRows)
            {
                return;
            }
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("the processor did not catch up: " + string.Join(", ", datasets.EnumerateArray().Select(d =>
                    $"{d.GetProperty("name")} rows={d.GetProperty("rows")} lag={(d.TryGetProperty("log", out var l) && l.TryGetProperty("lag", out var g) ? g.ToString() : "?")}")));
            }
            previousRows = lagging ? null : rows;
            await Task.Delay(300);
        }
    }

    /// <summary>Runs <c>user_behaviour</c> and, day after day, <c>seller_catalog</c> through the HTTP API of the
    /// server, as the Pipelines page or <c>emporium dag run</c> would, and waits for each to succeed.</summary>
    private async Task RunSeedDagsAsync()
    {
        await postgres.StartAsync();
        var purchases = await postgres.CreateDatabaseAsync("dashboard");
        await UserPurchaseTable.LoadSampleAsync(purchases);
        var behaviour = RunDagAsync("user_behaviour", BehaviourDay, new Dictionary<string, string?> { ["pg_connection"] = purchases, ["classifier"] = "rule" });

        var secondDay = false;
        sellerApi = await SellerCatalogStub.StartAsync((_, products) =>
        {
            if (!secondDay)
            {
                return products;
            }
            var changed = new JsonArray();
            foreach (var p in products)
            {
                var asin = (string)p!["asin"]!;
                if (asin == DroppedAsin)
                {
                    continue;
                }
                var copy = p.DeepClone();
                if (asin == RaisedAsin)
                {
                    copy["product_price"] = "$28.73"; // 23.94 → 28.73: +20 %
                }
                changed.Add(copy);
            }
            return changed;
        }, failures: false);
        var parameters = SellerCatalogDagTests.Parameters(sellerApi.BaseUrl, SellerCatalogDagTests.WriteSuppliers(dagFiles.Path));
        await RunDagAsync("seller_catalog", SellerDays[0], parameters);
        secondDay = true;
        await RunDagAsync("seller_catalog", SellerDays[1], parameters);
        await behaviour;
    }

    /// <summary>Runs a DAG for one day through the API and waits for it to succeed.</summary>
    public async Task RunDagAsync(string dag, string date, IReadOnlyDictionary<string, string?> parameters)
    {
        using (var created = await Http.PostAsJsonAsync($"api/v1/dags/{dag}/runs", new { date, @params = parameters }))
        {
            Assert.True(created.StatusCode == HttpStatusCode.Created, $"{dag} {date}: {(int)created.StatusCode} {await created.Content.ReadAsStringAsync()}");
        }
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(3);
        while (true)
        {
            var run = await Http.GetFromJsonAsync<JsonElement>($"api/v1/dags/{dag}/runs/{date}");
            var state = run.GetProperty("state").GetString();
            if (state == "success")
            {
                return;
            }
            if (state == "failed" || DateTime.UtcNow > deadline)
            {
                throw new InvalidOperationException($"{dag} {date} ended {state}: {run}\n{Server.Output}");
            }
            await Task.Delay(500);
        }
    }

    /// <summary>Two Hive partitions (<c>snapshot=…</c>) holding the same real sample CSV, crawled through the API.</summary>
    private async Task CrawlSampleAsync()
    {
        foreach (var snapshot in new[] { "2024-01-01", "2024-01-02" })
        {
            var folder = Directory.CreateDirectory(crawlDir.Combine($"snapshot={snapshot}")).FullName;
            File.Copy(SampleData.DatafinitiReviews, System.IO.Path.Combine(folder, "reviews.csv"));
        }
        using var res = await Http.PostAsJsonAsync("api/v1/crawl", new { path = crawlDir.Path, name = CrawledTable });
        Assert.True(res.IsSuccessStatusCode, $"crawl failed: {(int)res.StatusCode} {await res.Content.ReadAsStringAsync()}");
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.DisposeAsync();
        }
        playwright?.Dispose();
        Http?.Dispose();
        if (Server is not null)
        {
            await Server.DisposeAsync();
        }
        if (sellerApi is not null)
        {
            await sellerApi.DisposeAsync();
        }
        await postgres.DisposeAsync();
        crawlDir.Dispose();
        dagFiles.Dispose();
    }
}

[CollectionDefinition(Name)]
public sealed class DashboardCollection : ICollectionFixture<DashboardFixture>
{
    public const string Name = "Dashboard";
}
