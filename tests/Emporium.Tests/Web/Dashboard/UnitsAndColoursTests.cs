using System.Globalization;
using System.Text.Json;

namespace Emporium.Tests.Web.Dashboard;

/// <summary>What a number means is on the page: its unit, and the colour a series is read in.</summary>
[Collection(DashboardCollection.Name)]
public sealed class UnitsAndColoursTests(DashboardFixture f)
{
    private static (int R, int G, int B) Rgb(string hex) =>
        (Convert.ToInt32(hex[1..3], 16), Convert.ToInt32(hex[3..5], 16), Convert.ToInt32(hex[5..7], 16));

    [Fact]
    public async Task Negative_reviews_are_drawn_red_and_positive_ones_green()
    {
        await using var p = await DashboardPage.OpenAsync(f, "/reviews");
        // The palette's order drew the negative reviews in green, the colour of good news.
        var json = await p.Page.GetByTestId("chart-sentiment").GetAttributeAsync("data-series");
        using var doc = JsonDocument.Parse(json!);
        var colours = doc.RootElement.GetProperty("series").EnumerateArray().ToDictionary(
            s => s.GetProperty("name").GetString()!,
            s => s.TryGetProperty("color", out var c) ? c.GetString()! : "none");
        Assert.All(colours.Values, c => Assert.Matches("^#[0-9a-fA-F]{6}$", c));
        var negative = Rgb(colours["Negative"]);
        var positive = Rgb(colours["Positive"]);
        Assert.True(negative.R > negative.G + 60 && negative.R > negative.B + 60, $"negative drawn in {colours["Negative"]}");
        Assert.True(positive.G > positive.R + 40 && positive.G > positive.B + 20, $"positive drawn in {colours["Positive"]}");

        // And those are the colours on the canvas.
        foreach (var (name, (r, g, b)) in new[] { ("Negative", negative), ("Positive", positive) })
        {
            var pixels = await p.Page.GetByTestId("chart-sentiment").EvaluateAsync<int>("""
                (el, [r, g, b]) => {
                  const c = el.querySelector('canvas');
                  const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
                  let n = 0;
                  for (let i = 0; i < d.length; i += 4)
                    if (d[i + 3] > 200 && Math.abs(d[i] - r) < 10 && Math.abs(d[i + 1] - g) < 10 && Math.abs(d[i + 2] - b) < 10) n++;
                  return n;
                }
                """, new[] { r, g, b });
            Assert.True(pixels > 20, $"{name}: {pixels} pixels of its colour on the canvas");
        }
        p.AssertNoErrors();
    }

    [Fact]
    public async Task Percentages_read_as_percentages()
    {
        await using var p = await DashboardPage.OpenAsync(f, "/sellers");
        // match_pct 69.01 (of the offers) read as a bare 69.01 next to counts of offers and ASINs.
        var mart = (await MartTable.GetAsync(f.Http, "api/v1/marts/sellers_by_matches?limit=10"))!;
        var shown = await p.ColumnTextAsync("table-sellers_by_matches", "match_pct");
        Assert.NotEmpty(shown);
        Assert.All(shown, s => Assert.EndsWith(" %", s, StringComparison.Ordinal));
        Assert.Equal(mart.Numbers("match_pct"), shown.Select(s => (double?)double.Parse(s.TrimEnd('%', ' ').Replace(",", ""), CultureInfo.InvariantCulture)).ToList());
        var changes = await p.Page.Locator("[data-testid='table-alerts'] td[data-col='change_pct']").AllInnerTextsAsync();
        Assert.Contains(changes, c => c.EndsWith(" %", StringComparison.Ordinal));
        p.AssertNoErrors();
    }
}
