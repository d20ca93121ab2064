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

    public static Task<DashboardPage> OpenAsync(DashboardFixture f, string route, int width = 1280, int height = 900) =>
        OpenAsync(f, f.Server.BaseAddress, route, width, height);

    /// <summary>A tab on another server than the fixture's (its own browser context: no key or storage shared).</summary>
    public static async Task<DashboardPage> OpenAsync(DashboardFixture f, Uri server, string route, int width = 1280, int height = 900)
    {
        var context = await f.Browser.NewContextAsync(new() { BaseURL = server.ToString(), ViewportSize = new() { Width = width, Height = height } });
        await context.AddInitScriptAsync(RecordCanvasText);
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

    /// <summary>Keeps every text a canvas draws on the canvas (<c>_drawnText</c>): a chart's labels are pixels, and
    /// this is what a reader sees of them, cut or whole.</summary>
    private const string RecordCanvasText = """
        (() => {
          const fill = CanvasRenderingContext2D.prototype.fillText;
          CanvasRenderingContext2D.prototype.fillText = function (text, ...rest) {
            (this.canvas._drawnText ??= []).push(String(text));
            return fill.call(this, text, ...rest);
          };
        })();
        """;

    /// <summary>The texts drawn on a chart's canvas (axis labels, legend), as drawn.</summary>
    public async Task<IReadOnlyList<string>> DrawnTextAsync(string testId) =>
        await Page.GetByTestId(testId).EvaluateAsync<string[]>("el => el.querySelector('canvas')?._drawnText ?? []");

    /// <summary>The headings of a rendered table: the text shown, the column each names (data-col) and its tooltip.</summary>
    public async Task<IReadOnlyList<(string Text, string Column, string? Title)>> HeadingsAsync(string tableTestId)
    {
        var result = new List<(string, string, string?)>();
        foreach (var th in await Page.Locator($"[data-testid='{tableTestId}'] thead th").AllAsync())
        {
            result.Add(((await th.InnerTextAsync()).Trim(), (await th.GetAttributeAsync("data-col"))!, await th.GetAttributeAsync("title")));
        }
        return result;
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
    public void AssertNoErrorsBut400FromQuery(int count) => AssertNoErrorsBut((400, "/api/v1/query", count));

    /// <summary>No console error except exactly the given failed answers (status, path, how many), which Chromium logs
    /// for every 4xx even when the page expected and shows it.</summary>
    public void AssertNoErrorsBut(params (int Status, string Path, int Count)[] expected)
    {
        List<string> errors;
        lock (Errors)
        {
            errors = [.. Errors];
        }
        bool Is(string e, (int Status, string Path, int Count) x) =>
            e.Contains($"status of {x.Status}", StringComparison.Ordinal) && e.Contains(x.Path, StringComparison.Ordinal);
        var counted = expected.Select(x => errors.Count(e => Is(e, x))).ToList();
        Assert.True(counted.SequenceEqual(expected.Select(x => x.Count)) && errors.All(e => expected.Any(x => Is(e, x))),
            $"expected only {string.Join(", ", expected.Select(x => $"{x.Count}× {x.Status} from {x.Path}"))}:\n" + string.Join("\n", errors));
    }

    /// <summary>The chart's canvas exists and has pixels painted on it (axes, bars, lines), not just an empty box.</summary>
    public async Task AssertChartDrawnAsync(string testId)
    {
        var painted = await Page.GetByTestId(testId).EvaluateAsync<int>("""
            el => {
              const c = el.querySelector('canvas');
              if (!c || !c.width || !c.height) return -1;
              const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
              let n = 0;
              for (let i = 3; i < d.length; i += 4) if (d[i] !== 0) n++;
              return n;
            }
            """);
        Assert.True(painted > 0, $"chart {testId}: {(painted < 0 ? "no canvas" : "nothing painted")}");
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
