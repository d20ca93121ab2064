using Emporium.Datasets;
using Emporium.Demo;

namespace Emporium.Tests.Demo;

/// <summary>The demo data looks like the real data: distributions checked on generated records.</summary>
public sealed class DemoGeneratorsTests
{
    [Fact]
    public void ProductsHaveUniqueAsinsKnownCategoriesAndRealisticPrices()
    {
        var products = DemoGenerators.Records("products", 20_000).ToList();
        var categoryIds = CategoryNames.All.Select(c => c.Id).ToHashSet();

        Assert.Equal(products.Count, products.Select(p => p["asin"]).Distinct().Count());
        Assert.All(products, p => Assert.Matches("^B0[0-9A-Z]{8}$", (string)p["asin"]!));
        Assert.All(products, p => Assert.Contains((long)p["category_id"]!, categoryIds));
        Assert.True(products.Select(p => p["category_id"]).Distinct().Count() > CategoryNames.All.Count * 0.9);
        var prices = products.Select(p => (double)p["price"]!).ToList();
        var free = prices.Count(p => p == 0) / (double)prices.Count;
        Assert.InRange(free, 0.005, 0.03);
        var median = prices.Where(p => p > 0).Order().ElementAt(prices.Count(p => p > 0) / 2);
        Assert.InRange(median, 10, 80);
        Assert.Contains(prices, p => p > 295); // the price mart's top bucket is not empty
        var withList = products.Where(p => p["list_price"] is not null).ToList();
        Assert.InRange(withList.Count / (double)products.Count, 0.2, 0.4);
        Assert.All(withList, p => Assert.True((double)p["list_price"]! > (double)p["price"]!));
        var rated = products.Select(p => (double)p["stars"]!).Where(s => s > 0).ToList();
        Assert.InRange(rated.Average(), 4.0, 4.7);
        Assert.InRange(products.Count(p => (long)p["reviews"]! == 0) / (double)products.Count, 0.5, 0.7);
        Assert.InRange(products.Count(p => p["is_best_seller"] is true), 1, products.Count / 50);
    }

    [Fact]
    public void ReviewRatingsAreSkewedPositiveAndReferToTheDemoCatalog()
    {
        var options = new DemoOptions(Seed: 5, CatalogSize: 500);
        var reviews = DemoGenerators.Records("reviews", 20_000, options).ToList();
        var catalog = DemoGenerators.Records("products", 500, options).Select(p => (string)p["asin"]!).ToHashSet();

        var byRating = reviews.GroupBy(r => (long)r["rating"]!).ToDictionary(g => g.Key, g => g.Count() / (double)reviews.Count);
        Assert.Equal([1L, 2, 3, 4, 5], byRating.Keys.Order());
        Assert.True(byRating[5] > byRating[4] && byRating[4] > byRating[3]);
        Assert.True(byRating[1] > byRating[2], "J-shaped: more one-star than two-star reviews");
        Assert.InRange(byRating[4] + byRating[5], 0.7, 0.85);
        Assert.All(reviews, r => Assert.Contains((string)r["asin"]!, catalog));
        var perProduct = reviews.GroupBy(r => r["asin"]).Select(g => g.Count()).OrderDescending().ToList();
        Assert.True(perProduct[0] > 10 * perProduct[perProduct.Count / 2], "a few popular products get most reviews");
        Assert.Equal(reviews.Count, reviews.Select(r => r["review_id"]).Distinct().Count());
        // Texts mostly follow the stars, but not always (as real ones): a sentiment model must not find them trivial.
        var complaints = Vocabulary.ReviewSentences[0].ToHashSet();
        var praise = Vocabulary.ReviewSentences[2].ToHashSet();
        double Share(long rating, HashSet<string> sentences)
        {
            var texts = reviews.Where(r => (long)r["rating"]! == rating).Select(r => (string)r["text"]!).ToList();
            return texts.Count(t => sentences.Any(s => t.Contains(string.Format(System.Globalization.CultureInfo.InvariantCulture, s, "item"), StringComparison.Ordinal))) / (double)texts.Count;
        }
        Assert.InRange(Share(5, praise), 0.9, 1.0);
        Assert.InRange(Share(5, complaints), 0.02, 0.10);
        Assert.InRange(Share(1, complaints), 0.9, 1.0);
        Assert.InRange(Share(1, praise), 0.02, 0.10);
    }

    [Fact]
    public void OrdersSpanDaysWithInvoicesCancellationsAndGuests()
    {
        var options = new DemoOptions(Days: 30);
        var orders = DemoGenerators.Records("orders", 30_000, options).ToList();

        var days = orders.Select(o => ((DateTime)o["invoice_date"]!).Date).Distinct().Count();
        Assert.Equal(30, days);
        Assert.All(orders, o => Assert.InRange(((DateTime)o["invoice_date"]!).Hour, 8, 17));
        var invoices = orders.GroupBy(o => (string)o["invoice_no"]!).ToList();
        Assert.InRange(invoices.Count, orders.Count / 40, orders.Count / 3);
        Assert.All(invoices, g => Assert.Single(g.Select(o => (o["invoice_date"], o["customer_id"], o["country"])).Distinct()));
        var cancelled = orders.Where(o => ((string)o["invoice_no"]!).StartsWith('C')).ToList();
        Assert.NotEmpty(cancelled);
        Assert.All(cancelled, o => Assert.True((long)o["quantity"]! < 0));
        Assert.All(orders.Except(cancelled), o => Assert.True((long)o["quantity"]! > 0));
        var guests = orders.Count(o => o["customer_id"] is null) / (double)orders.Count;
        Assert.InRange(guests, 0.15, 0.35);
        var uk = orders.Count(o => (string)o["country"]! == "United Kingdom") / (double)orders.Count;
        Assert.InRange(uk, 0.75, 0.97);
        Assert.True(orders.Select(o => o["country"]).Distinct().Count() >= 10);
        // One description and price per stock code, as in a real item master.
        Assert.All(orders.GroupBy(o => o["stock_code"]), g => Assert.Single(g.Select(o => (o["description"], o["unit_price"])).Distinct()));
        var dates = orders.Select(o => (DateTime)o["invoice_date"]!).ToList();
        Assert.Equal(dates.Order(), dates);
    }

    [Fact]
    public void CategoriesAreTheBuiltInListWithUniqueNames()
    {
        var categories = DemoGenerators.Records("categories", 10_000).ToList();

        Assert.Equal(CategoryNames.All.Count, categories.Count);
        Assert.InRange(categories.Count, 240, 300);
        Assert.Equal(categories.Count, categories.Select(c => c["category_name"]).Distinct().Count());
        Assert.Equal(Enumerable.Range(1, categories.Count).Select(i => (object)(long)i), categories.Select(c => c["id"]));
    }

    [Fact]
    public void UnknownDatasetListsTheKnownOnes()
    {
        var error = Assert.Throws<ArgumentException>(() => DemoGenerators.Create("customers", 10));

        Assert.Contains("products", error.Message);
        Assert.Contains("orders", error.Message);
    }

    [Fact]
    public void SeededRandomIsStable()
    {
        // The demo promises the same data for the same seed on any runtime: pin the generator's first outputs.
        var a = new DemoRandom(42);
        var b = new DemoRandom(42);
        var first = Enumerable.Range(0, 5).Select(_ => a.NextUInt64()).ToList();

        Assert.Equal(first, Enumerable.Range(0, 5).Select(_ => b.NextUInt64()));
        Assert.Equal(5, first.Distinct().Count());
        Assert.All(Enumerable.Range(0, 1000).Select(_ => a.Next(7)), n => Assert.InRange(n, 0, 6));
    }
}
