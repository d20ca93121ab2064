using System.Globalization;
using System.Text.Json;
using Emporium.Datasets;
using Emporium.Tests.TestSupport;
using static Emporium.Tests.Batch.BatchTestFiles;

namespace Emporium.Tests.Batch.Loading;

/// <summary>Marts over batch-loaded real samples equal the same numbers computed here from the raw files.</summary>
public sealed class BatchMartsTests
{
    [Fact]
    public async Task OrderMartsFromTheUciFileEqualLinqOverTheRawCsv()
    {
        await using var h = await BatchHarness.StartAsync();
        await h.LoadAsync(DatasetCatalog.Orders, SampleData.OnlineRetail);
        var rows = ParseCsv(SampleData.OnlineRetail, out var header);
        int Col(string n) => Array.IndexOf(header, n);
        var clean = rows.Where(r => r[Col("CustomerID")] is not null && r[Col("InvoiceDate")] is not null && !string.IsNullOrEmpty(r[Col("Description")]))
            .Select(r => new
            {
                Country = r[Col("Country")]!.Trim().ToLowerInvariant(),
                Customer = (long)double.Parse(r[Col("CustomerID")]!, CultureInfo.InvariantCulture),
                Stock = r[Col("StockCode")]!,
                Day = DateOnly.FromDateTime(DateTime.Parse(r[Col("InvoiceDate")]!, CultureInfo.InvariantCulture)),
                Quantity = long.Parse(r[Col("Quantity")]!, CultureInfo.InvariantCulture),
                Price = double.Parse(r[Col("UnitPrice")]!, CultureInfo.InvariantCulture),
            }).ToList();

        var byCountry = clean.GroupBy(o => o.Country).ToDictionary(g => g.Key, g => Math.Round(g.Sum(o => o.Quantity * o.Price), 2));
        var mart = await h.RowsAsync("SELECT country, total_sales FROM sales_by_country");
        Assert.Equal(byCountry.Count, mart.Count);
        Assert.All(mart, r => Assert.Equal(byCountry[(string)r[0]!], Convert.ToDouble(r[1]), 2));

        var byCustomer = clean.GroupBy(o => o.Customer).ToDictionary(g => g.Key, g => Math.Round(g.Sum(o => o.Quantity * o.Price), 2));
        var customers = await h.RowsAsync("SELECT customer_id, total_sales FROM top_customers");
        Assert.Equal(byCustomer.Count, customers.Count);
        Assert.All(customers, r => Assert.Equal(byCustomer[Convert.ToInt64(r[0])], Convert.ToDouble(r[1]), 2));

        var byDay = clean.GroupBy(o => (o.Day, o.Country)).ToDictionary(g => g.Key, g => Math.Round(g.Sum(o => o.Quantity * o.Price), 2));
        var daily = await h.RowsAsync("SELECT sales_date, country, total_sales FROM daily_sales");
        Assert.Equal(byDay.Count, daily.Count);
        Assert.All(daily, r => Assert.Equal(byDay[(r[0] is DateOnly d ? d : DateOnly.FromDateTime(Convert.ToDateTime(r[0], CultureInfo.InvariantCulture)), (string)r[1]!)], Convert.ToDouble(r[2]), 2));

        var byStock = clean.GroupBy(o => o.Stock).ToDictionary(g => g.Key, g => g.Sum(o => o.Quantity));
        var popular = await h.RowsAsync("SELECT stock_code, total_quantity FROM popular_products");
        Assert.All(popular, r => Assert.Equal(byStock[(string)r[0]!], Convert.ToInt64(r[1])));
    }

    [Fact]
    public async Task ProductAndReviewMartsFromBatchLoadsEqualLinqOverTheRawFiles()
    {
        await using var h = await BatchHarness.StartAsync();
        await h.LoadAsync(DatasetCatalog.Categories, SampleData.CategoriesCsv);
        await h.LoadAsync(DatasetCatalog.Products, SampleData.ProductsCsv);
        await h.LoadAsync(DatasetCatalog.Reviews, SampleData.McAuleyReviews);

        var products = ParseCsv(SampleData.ProductsCsv, out var header);
        var perCategory = products.GroupBy(p => long.Parse(p[Array.IndexOf(header, "category_id")]!, CultureInfo.InvariantCulture))
            .ToDictionary(g => g.Key, g => g.Count());
        var mart = await h.RowsAsync("SELECT category_id, products FROM category_distribution");
        Assert.Equal(perCategory.OrderBy(k => k.Key), mart.Select(r => KeyValuePair.Create(Convert.ToInt64(r[0]), Convert.ToInt32(r[1]))).OrderBy(k => k.Key));

        var ratings = File.ReadLines(SampleData.McAuleyReviews).Where(l => l.Trim().Length > 0)
            .Select(l => JsonDocument.Parse(l).RootElement)
            .Select(e => (Key: (e.GetProperty("reviewerID").GetString(), e.GetProperty("asin").GetString(), e.GetProperty("unixReviewTime").GetInt64(),
                    e.TryGetProperty("summary", out var s) ? s.GetString() : null, e.TryGetProperty("reviewText", out var t) ? t.GetString() : null),
                Rating: (long)e.GetProperty("overall").GetDouble()))
            .DistinctBy(x => x.Key)
            .GroupBy(x => x.Rating).ToDictionary(g => g.Key, g => g.LongCount());
        var reviewMart = await h.RowsAsync("SELECT rating, reviews FROM review_ratings");
        Assert.Equal(ratings.OrderBy(k => k.Key), reviewMart.Select(r => KeyValuePair.Create(Convert.ToInt64(r[0]), Convert.ToInt64(r[1]))).OrderBy(k => k.Key));
    }
}
