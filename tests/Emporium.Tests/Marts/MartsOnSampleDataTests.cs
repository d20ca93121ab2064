using System.Globalization;
using System.Text.Json;
using Emporium.Marts;
using Emporium.Tests.TestSupport;
using Emporium.Warehouse;

namespace Emporium.Tests.Marts;

/// <summary>Every mart, computed by the warehouse from the processed real samples, against an independent LINQ
/// computation over the raw sample files.</summary>
public sealed class MartsOnSampleDataTests(SampleWarehouseFixture fixture) : IClassFixture<SampleWarehouseFixture>
{
    private const double Cent = 0.005 + 1e-9;
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    private Task<QueryResult> Mart(string name, int? limit = null) => fixture.Marts.QueryAsync(name, limit, CancellationToken.None);

    /// <summary>Seed 003's clean orders: drop rows missing any of its fields (customer, invoice date, description,
    /// stock code, country; the sample has every invoice, quantity and price).</summary>
    private static List<(DateOnly Date, string Country, string StockCode, long Quantity, decimal Amount, long Customer)> CleanOrders() =>
        SampleWarehouseFixture.ReadCsv(SampleData.OnlineRetail)
            .Where(r => new[] { "CustomerID", "InvoiceDate", "Description", "StockCode", "Country" }.All(f => r[f].Trim().Length > 0))
            .Select(r => (
                DateOnly.FromDateTime(DateTime.Parse(r["InvoiceDate"], Invariant)),
                r["Country"].Trim().ToLowerInvariant(),
                r["StockCode"],
                long.Parse(r["Quantity"], Invariant),
                long.Parse(r["Quantity"], Invariant) * decimal.Parse(r["UnitPrice"], Invariant),
                (long)decimal.Parse(r["CustomerID"], Invariant)))
            .ToList();

    private static decimal Round2(decimal value) => Math.Round(value, 2, MidpointRounding.AwayFromZero);

    private static void AssertRanked<TKey>(IReadOnlyList<(TKey Key, double Value)> expected, QueryResult actual, Func<object?[], TKey> key, Func<object?[], double> value, double tolerance)
        where TKey : notnull
    {
        Assert.Equal(expected.Count, actual.Rows.Count);
        var byKey = actual.Rows.ToDictionary(key, value);
        foreach (var (k, v) in expected)
        {
            Assert.True(byKey.TryGetValue(k, out var got), $"missing {k}");
            Assert.True(Math.Abs(got - v) <= tolerance, $"{k}: expected {v}, got {got}");
        }
        // Highest first, as the seed's queries ordered them.
        var values = actual.Rows.Select(value).ToList();
        Assert.Equal(values.OrderByDescending(v => v), values);
    }

    [Fact]
    public async Task Clean_orders_hold_exactly_the_kept_lines_of_the_raw_orders()
    {
        var expected = CleanOrders()
            .Select(o => $"{o.Date:yyyy-MM-dd}|{o.Country}|{o.StockCode}|{o.Quantity}|{o.Customer}")
            .Order(StringComparer.Ordinal).ToList();
        var all = await Mart("clean_orders", MartService.MaxLimit);
        Assert.Equal(["sales_date", "country", "stock_code", "quantity", "unit_price", "customer_id"], all.Columns.Select(c => c.Name));
        Assert.Equal(expected, all.Rows.Select(r => $"{((DateOnly)r[0]!):yyyy-MM-dd}|{r[1]}|{r[2]}|{r[3]}|{r[5]}").Order(StringComparer.Ordinal).ToList());
        // The money of every kept line, summed, is the total the sales marts share out.
        var amount = CleanOrders().Sum(o => o.Amount);
        Assert.Equal((double)amount, all.Rows.Sum(r => (long)r[3]! * (double)r[4]!), 4);
        Assert.Equal(1000, (await Mart("clean_orders")).Rows.Count);
    }

    [Fact]
    public async Task Daily_sales_match_the_raw_orders()
    {
        var expected = CleanOrders().GroupBy(o => (o.Date, o.Country))
            .Select(g => (Key: (g.Key.Date, g.Key.Country), Value: (double)Round2(g.Sum(o => o.Amount))))
            .OrderByDescending(x => x.Value).ThenBy(x => x.Key.Date).ThenBy(x => x.Key.Country, StringComparer.Ordinal).ToList();
        var all = await Mart("daily_sales", 10_000);
        Assert.Equal(["sales_date", "country", "total_sales"], all.Columns.Select(c => c.Name));
        AssertRanked(expected, all, r => ((DateOnly)r[0]!, (string)r[1]!), r => (double)r[2]!, Cent);

        var top = await Mart("daily_sales");
        Assert.Equal(10, top.Rows.Count);
        Assert.Equal(expected.Take(10).Select(e => e.Key), top.Rows.Select(r => ((DateOnly)r[0]!, (string)r[1]!)));
        // The default top 10 says that there is more; every row, or a limit of exactly every row, says there is not.
        Assert.True(top.Truncated);
        Assert.False(all.Truncated);
        Assert.False((await Mart("daily_sales", expected.Count)).Truncated);
        Assert.True((await Mart("daily_sales", expected.Count - 1)).Truncated);
        Assert.False((await Mart("price_distribution")).Truncated);
    }

    [Fact]
    public async Task Popular_products_match_the_raw_orders()
    {
        var expected = CleanOrders().GroupBy(o => o.StockCode)
            .Select(g => (Key: g.Key, Value: (double)g.Sum(o => o.Quantity)))
            .OrderByDescending(x => x.Value).ThenBy(x => x.Key, StringComparer.Ordinal).ToList();
        var all = await Mart("popular_products", 10_000);
        AssertRanked(expected, all, r => (string)r[0]!, r => (long)r[1]!, 0);
        var top = await Mart("popular_products", 5);
        Assert.Equal(expected.Take(5).Select(e => e.Key), top.Rows.Select(r => (string)r[0]!));
    }

    [Fact]
    public async Task Sales_by_country_match_the_raw_orders()
    {
        var expected = CleanOrders().GroupBy(o => o.Country)
            .Select(g => (Key: g.Key, Value: (double)Round2(g.Sum(o => o.Amount))))
            .OrderByDescending(x => x.Value).ToList();
        var all = await Mart("sales_by_country", 100);
        AssertRanked(expected, all, r => (string)r[0]!, r => (double)r[1]!, Cent);
        Assert.Equal("united kingdom", all.Rows[0][0]);
        Assert.Equal(Math.Min(10, expected.Count), (await Mart("sales_by_country")).Rows.Count);
    }

    [Fact]
    public async Task Top_customers_match_the_raw_orders()
    {
        var expected = CleanOrders().GroupBy(o => o.Customer)
            .Select(g => (Key: g.Key, Value: (double)Round2(g.Sum(o => o.Amount))))
            .OrderByDescending(x => x.Value).ThenBy(x => x.Key).ToList();
        AssertRanked(expected, await Mart("top_customers", 10_000), r => (long)r[0]!, r => (double)r[1]!, Cent);
        var top = await Mart("top_customers");
        Assert.Equal(expected.Take(10).Select(e => e.Key), top.Rows.Select(r => (long)r[0]!));
    }

    [Fact]
    public async Task Price_distribution_matches_pandas_cut_over_the_raw_products()
    {
        var prices = SampleWarehouseFixture.ReadCsv(SampleData.ProductsCsv).Select(r => double.Parse(r["price"], Invariant)).ToList();
        // pandas cut(bins=range(0, 300, 5)): right-closed intervals (0,5] … (290,295]; outside values in their own rows.
        var expected = new List<(long? Low, long? High, long Count)> { (null, 0, prices.Count(p => p <= 0)) };
        for (var low = 0; low < 295; low += 5)
        {
            expected.Add((low, low + 5, prices.Count(p => p > low && p <= low + 5)));
        }
        expected.Add((295, null, prices.Count(p => p > 295)));

        var actual = await Mart("price_distribution");
        Assert.Equal(["bucket_low", "bucket_high", "products"], actual.Columns.Select(c => c.Name));
        Assert.Equal(expected, actual.Rows.Select(r => ((long?)r[0], (long?)r[1], (long)r[2]!)));
        Assert.Equal(prices.Count, actual.Rows.Sum(r => (long)r[2]!));
    }

    [Fact]
    public async Task Category_marts_match_the_raw_products_left_joined_to_categories()
    {
        var names = SampleWarehouseFixture.ReadCsv(SampleData.CategoriesCsv).ToDictionary(r => long.Parse(r["id"], Invariant), r => r["category_name"]);
        var products = SampleWarehouseFixture.ReadCsv(SampleData.ProductsCsv)
            .Select(r => (Category: long.Parse(r["category_id"], Invariant), Price: double.Parse(r["price"], Invariant))).ToList();
        var expected = products.GroupBy(p => p.Category)
            .ToDictionary(g => g.Key, g => (Name: names.GetValueOrDefault(g.Key), Count: (long)g.Count(), Avg: g.Average(p => p.Price)));

        var distribution = await Mart("category_distribution");
        Assert.Equal(expected.Count, distribution.Rows.Count);
        foreach (var row in distribution.Rows)
        {
            var e = expected[(long)row[0]!];
            Assert.Equal((e.Name, e.Count), ((string?)row[1], (long)row[2]!));
        }
        Assert.Equal(499L, distribution.Rows[0][2]); // the sample's largest category, Suitcases

        var averages = await Mart("avg_price_per_category");
        Assert.Equal(expected.Count, averages.Rows.Count);
        foreach (var row in averages.Rows)
        {
            var e = expected[(long)row[0]!];
            Assert.Equal((e.Name, e.Count), ((string?)row[1], (long)row[2]!));
            Assert.True(Math.Abs(e.Avg - (double)row[3]!) < 1e-9, $"category {row[0]}: {e.Avg} vs {row[3]}");
        }
    }

    [Fact]
    public async Task Review_marts_match_the_raw_mcauley_reviews()
    {
        // A resend of the same review is the same review: identity is who, what, when and the words.
        var reviews = File.ReadLines(SampleData.McAuleyReviews).Where(l => l.Trim().Length > 0).Select(l =>
        {
            using var doc = JsonDocument.Parse(l);
            var root = doc.RootElement;
            string? Text(string name) => root.TryGetProperty(name, out var v) ? v.GetString() : null;
            return (Id: (root.GetProperty("asin").GetString(), Text("reviewerID"), root.GetProperty("unixReviewTime").GetInt64(), Text("summary"), Text("reviewText")),
                Asin: root.GetProperty("asin").GetString()!, Rating: (long)root.GetProperty("overall").GetDouble());
        }).GroupBy(r => r.Id).Select(g => g.Last()).ToList();

        var ratings = await Mart("review_ratings");
        Assert.Equal(
            reviews.GroupBy(r => r.Rating).OrderBy(g => g.Key).Select(g => (g.Key, (long)g.Count())),
            ratings.Rows.Select(r => ((long)r[0]!, (long)r[1]!)));

        var expected = reviews.GroupBy(r => r.Asin)
            .Select(g => (Asin: g.Key, Count: (long)g.Count(), Avg: g.Average(r => (double)r.Rating)))
            .OrderByDescending(x => x.Count).ThenBy(x => x.Asin, StringComparer.Ordinal).ToList();
        var top = await Mart("top_reviewed_products");
        Assert.Equal(10, top.Rows.Count);
        for (var i = 0; i < 10; i++)
        {
            Assert.Equal((expected[i].Asin, expected[i].Count), ((string)top.Rows[i][0]!, (long)top.Rows[i][1]!));
            Assert.True(Math.Abs(expected[i].Avg - (double)top.Rows[i][2]!) < 1e-9);
        }
    }

    [Fact]
    public async Task Unknown_marts_and_bad_limits_are_refused_with_the_known_names()
    {
        var e = await Assert.ThrowsAsync<UnknownMartException>(() => Mart("nope"));
        Assert.Contains("daily_sales", e.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Mart("daily_sales", 0));
        Assert.Equal(MartCatalog.All.Select(m => m.Name), fixture.Marts.List().Select(m => m.Name));
    }

    [Fact]
    public async Task Every_mart_is_a_view_the_sql_explorer_can_read()
    {
        foreach (var mart in MartCatalog.All.Where(m => m.DependsOn.All(d => Emporium.Datasets.DatasetCatalog.All.Any(s => s.Name == d))))
        {
            var result = await fixture.Harness.Warehouse.QueryReadOnlyAsync($"SELECT * FROM {mart.Name}", 5, CancellationToken.None);
            Assert.Equal(mart.Columns.Select(c => c.Name), result.Columns.Select(c => c.Name));
            Assert.NotEmpty(result.Rows);
        }
    }
}
