using System.Net.Http.Json;
using System.Text.Json;
using Emporium.Tests.TestSupport;
using Microsoft.Playwright;

namespace Emporium.Tests.Web.Dashboard;

/// <summary>One server loaded with the real samples and one headless Chromium, shared by the dashboard tests.</summary>
public sealed class DashboardFixture : IAsyncLifetime
{
    private IPlaywright? playwright;

    private readonly TempDir crawlDir = new("dashboard-crawl");

    /// <summary>A table crawled once from a Hive-partitioned folder of a real sample file, for the Catalog page.</summary>
    public const string CrawledTable = "crawled_reviews";

    public EmporiumProcess Server { get; private set; } = null!;

    public HttpClient Http { get; private set; } = null!;

    public IBrowser Browser { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Server = await EmporiumProcess.StartAsync();
        Http = new HttpClient { BaseAddress = Server.BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
        await SampleLoader.SendCsvAsync(Http, "categories", SampleData.CategoriesCsv);
        await SampleLoader.SendCsvAsync(Http, "products", SampleData.ProductsCsv);
        await SampleLoader.SendJsonLinesAsync(Http, "reviews", SampleData.McAuleyReviews);
        await SampleLoader.SendCsvAsync(Http, "orders", SampleData.OnlineRetail);
        // Generous: on a loaded 2-core machine the processor needs far longer than its freshness target.
        await WaitProcessedAsync(TimeSpan.FromSeconds(240));
        await CrawlSampleAsync();

        playwright = await Playwright.CreateAsync();
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
        crawlDir.Dispose();
    }
}

[CollectionDefinition(Name)]
public sealed class DashboardCollection : ICollectionFixture<DashboardFixture>
{
    public const string Name = "Dashboard";
}
