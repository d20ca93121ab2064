using System.Text.Json;
using Emporium.Demo;

namespace Emporium.Tests.Demo;

public sealed class DemoSellerCatalogTests
{
    /// <summary>The demo seller's offers showed a star rating counted by 0 ratings (the demo products copy the source
    /// catalog, whose review counts are mostly 0): every rated offer has ratings, as the search API's do; an offer
    /// nobody rated has none, and a count the product has is kept.</summary>
    [Fact]
    public void Every_rated_offer_counts_its_ratings_and_the_same_on_every_day()
    {
        IReadOnlyList<DemoSellerCatalog.Product> products =
        [
            new("B000000001", "Rated, no count", 19.99, 4.5, 0, null, null, 100, false),
            new("B000000002", "Rated, counted", 29.99, 4.1, 1234, null, null, 50, false),
            new("B000000003", "Not rated", 9.99, 0.0, 0, null, null, null, true),
            new("B000000004", "Rated, count unknown", 39.99, 3.9, null, null, null, null, false),
        ];

        Dictionary<string, long> RatingsOn(DateOnly day) =>
            JsonDocument.Parse(DemoSellerCatalog.Page(products, day, 1, "US")).RootElement.GetProperty("data").GetProperty("products").EnumerateArray()
                .ToDictionary(p => p.GetProperty("asin").GetString()!, p => p.GetProperty("product_num_ratings").GetInt64());

        // About one offer in 40 is out on a given day: two days on which all four are offered.
        var days = Enumerable.Range(0, 60).Select(i => new DateOnly(2024, 3, 1).AddDays(i))
            .Where(d => DemoSellerCatalog.Offers(products, d).Count == products.Count).Take(2).ToList();
        var first = RatingsOn(days[0]);
        Assert.InRange(first["B000000001"], 1, 10_000);
        Assert.Equal(1234, first["B000000002"]);
        Assert.Equal(0, first["B000000003"]);
        Assert.InRange(first["B000000004"], 1, 10_000);
        var next = RatingsOn(days[1]);
        Assert.All(next, kv => Assert.Equal(first[kv.Key], kv.Value));
    }
}
