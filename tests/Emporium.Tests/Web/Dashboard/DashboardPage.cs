using System.Text.Json;
using Deque.AxeCore.Commons;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;

namespace Emporium.Tests.Web.Dashboard;

/// <summary>One browser tab on a dashboard page, recording console errors, page errors and failed requests.</summary>
public sealed class DashboardPage : IAsyncDisposable
{
    private readonly IBrowserContext context;

    private DashboardPage(IBrowserContext context, IPage page)
    {
        this.context = context;
        Page = page;
        page.Console += (_, m) =>
        {
            if (m.Type == "error" && !IsEndpointOfAnotherStageMissing(m))
            {
                lock (Errors)
                {
                    Errors.Add($"console: {m.Text} at {m.Location}");
                }
            }
        };
        page.PageError += (_, e) =>
        {
            lock (Errors)
            {
                Errors.Add($"page error: {e}");
            }
        };
    }

    public IPage Page { get; }

    /// <summary>Endpoints other stages serve (DAGs, alerts, catalog) answer 404 while their stage is not part of the
    /// server; the page shows an empty state for that, and Chromium still logs the 404. Nothing else is excused.</summary>
    private static bool IsEndpointOfAnotherStageMissing(IConsoleMessage m) =>
        m.Text.Contains("status of 404", StringComparison.Ordinal) &&
        new[] { "/api/v1/dags", "/api/v1/alerts", "/api/v1/catalog" }.Any(p => m.Location.Contains(p, StringComparison.Ordinal));

    /// <summary>Console errors (CSP violations included: Chromium reports them there), uncaught exceptions.</summary>
    public List<string> Errors { get; } = [];

    public static async Task<DashboardPage> OpenAsync(DashboardFixture f, string route, int width = 1280, int height = 900)
    {
        var context = await f.Browser.NewContextAsync(new() { BaseURL = f.Server.BaseAddress.ToString(), ViewportSize = new() { Width = width, Height = height } });
        var page = await context.NewPageAsync();
        var d = new DashboardPage(context, page);
        await page.GotoAsync($"/#{route}");
        await d.WaitReadyAsync(route);
        return d;
    }

    /// <summary>Waits for the page's first data and for every chart on it to finish drawing.</summary>
    public async Task WaitReadyAsync(string route)
    {
        var path = route.Split('?')[0];
        await Page.Locator($"main[data-page='{path}'][data-ready='true']").WaitForAsync(new() { Timeout = 30_000 });
        await Page.WaitForFunctionAsync("() => [...document.querySelectorAll('.chart')].every(c => c.dataset.rendered === 'true')", null, new() { Timeout = 30_000 });
    }

    /// <summary>What a chart drew: its labels and series values, as written by the page next to the canvas.</summary>
    public async Task<(List<string> Labels, List<(string Name, List<double?> Values)> Series)> ChartAsync(string testId)
    {
        var json = await Page.GetByTestId(testId).GetAttributeAsync("data-series") ?? throw new InvalidOperationException($"chart {testId} has no data");
        using var doc = JsonDocument.Parse(json);
        var labels = doc.RootElement.GetProperty("labels").EnumerateArray().Select(l => l.GetString()!).ToList();
        var series = doc.RootElement.GetProperty("series").EnumerateArray()
            .Select(s => (s.GetProperty("name").GetString()!, s.GetProperty("values").EnumerateArray().Select(v => v.ValueKind == JsonValueKind.Number ? v.GetDouble() : (double?)null).ToList()))
            .ToList();
        return (labels, series);
    }

    /// <summary>Visible text of one column of a rendered table.</summary>
    public async Task<IReadOnlyList<string>> ColumnTextAsync(string tableTestId, string column) =>
        await Page.Locator($"[data-testid='{tableTestId}'] td[data-col='{column}']").AllInnerTextsAsync();

    /// <summary>axe-core's WCAG 2 A/AA rules on the page as it stands: labels, names, contrast, landmarks, keyboard focus.</summary>
    public async Task AssertAccessibleAsync()
    {
        var result = await Page.RunAxe(new AxeRunOptions { RunOnly = new RunOnlyOptions { Type = "tag", Values = ["wcag2a", "wcag2aa"] } });
        Assert.True(result.Violations.Length == 0, "accessibility violations:\n" + string.Join("\n",
            result.Violations.Select(v => $"{v.Id} ({v.Impact}): {v.Help} at {string.Join(", ", v.Nodes.Select(n => n.Target?.ToString()))}")));
    }

    public void AssertNoErrors() => Assert.True(Errors.Count == 0, "browser errors:\n" + string.Join("\n", Errors));

    /// <summary>No console error except exactly <paramref name="count"/> refused queries: Chromium logs every 400
    /// answer, and a refused query is one by design.</summary>
    public void AssertNoErrorsBut400FromQuery(int count)
    {
        var refusals = Errors.Count(e => e.Contains("status of 400", StringComparison.Ordinal) && e.Contains("/api/v1/query", StringComparison.Ordinal));
        Assert.True(refusals == count && Errors.Count == count, $"expected {count} refused queries and nothing else:\n" + string.Join("\n", Errors));
    }

    /// <summary>With EMPORIUM_SCREENSHOTS=1, saves the page to docs/screenshots/NAME.png in the repository.</summary>
    public async Task ScreenshotAsync(string name)
    {
        if (Environment.GetEnvironmentVariable("EMPORIUM_SCREENSHOTS") != "1")
        {
            return;
        }
        var dir = Path.Combine(RepoRoot(), "docs", "screenshots");
        Directory.CreateDirectory(dir);
        await Page.ScreenshotAsync(new() { Path = Path.Combine(dir, $"{name}.png"), FullPage = true });
    }

    private static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Emporium.sln")))
            {
                return dir.FullName;
            }
        }
        throw new DirectoryNotFoundException("repository root (Emporium.sln) not found");
    }

    public async ValueTask DisposeAsync() => await context.DisposeAsync();
}
