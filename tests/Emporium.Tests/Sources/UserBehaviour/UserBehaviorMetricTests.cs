using System.Globalization;
using Emporium.Sources.UserBehaviour;
using Emporium.Tests.Sources.Postgres;
using Emporium.Tests.TestSupport;

namespace Emporium.Tests.Sources.UserBehaviour;

public sealed class UserBehaviorMetricTests
{
    private static readonly DateOnly Ds = new(2010, 12, 2);

    [Fact]
    public void Aggregates_each_side_first_while_the_seed_join_inflates()
    {
        var purchases = PostgresExtractorTests.ReadCsv(SampleData.UserPurchase)
            .Where(r => !string.IsNullOrEmpty(r["customer_id"]))
            .Select(r => new CustomerPurchase(long.Parse(r["customer_id"]!), long.Parse(r["quantity"]!), decimal.Parse(r["unit_price"]!, CultureInfo.InvariantCulture)))
            .ToList();
        // Deterministic reviews: customers with an even id write (id % 3) + 1 reviews, the first one positive.
        var reviews = purchases.Select(p => p.CustomerId).Distinct()
            .Where(id => id % 2 == 0)
            .SelectMany(id => Enumerable.Range(0, (int)(id % 3) + 1).Select(i => new CustomerReview(id, i == 0)))
            .ToList();

        var correct = UserBehaviorMetric.Compute(purchases, reviews, Ds).ToDictionary(r => r.CustomerId);
        var seed = UserBehaviorMetric.ComputeLikeSeed(purchases, reviews, Ds).ToDictionary(r => r.CustomerId);

        // Independent expectation: totals straight from the raw file.
        var lines = purchases.GroupBy(p => p.CustomerId).ToDictionary(g => g.Key, g => (Amount: g.Sum(p => p.Quantity * p.UnitPrice), Lines: g.Count()));
        Assert.Equal(lines.Keys.Order(), correct.Keys.Order());
        foreach (var (id, row) in correct)
        {
            var written = reviews.Where(r => r.CustomerId == id).ToList();
            Assert.Equal(lines[id].Amount, row.AmountSpent);
            Assert.Equal(written.Count, row.ReviewCount);
            Assert.Equal(written.Count(r => r.Positive), row.ReviewScore);
        }
        Assert.Equal(purchases.Sum(p => p.Quantity * p.UnitPrice), correct.Values.Sum(r => r.AmountSpent));

        // The seed's row-by-row join multiplies: spend × reviews, reviews × purchase lines.
        Assert.NotEmpty(seed);
        foreach (var (id, row) in seed)
        {
            Assert.Equal(correct[id].AmountSpent * correct[id].ReviewCount, row.AmountSpent);
            Assert.Equal(correct[id].ReviewCount * lines[id].Lines, row.ReviewCount);
        }
        Assert.Contains(seed.Values, r => r.AmountSpent > correct[r.CustomerId].AmountSpent);
        // And it drops buyers who wrote no review.
        Assert.True(seed.Count < correct.Count);
    }

    [Fact]
    public void Reference_output_shows_the_fan_out()
    {
        // The upstream pipeline's published output: num_reviews far above any plausible count of reviews per person,
        // because each review was counted once per purchase line.
        var reference = PostgresExtractorTests.ReadCsv(SampleData.BehaviourMetrics);
        Assert.Equal(908, reference.Count);
        var reviews = reference.Select(r => long.Parse(r["num_reviews"]!)).ToList();
        Assert.True(reviews.Max() > 10_000);
        Assert.All(reference, r => Assert.True(long.Parse(r["num_positive_reviews"]!) <= long.Parse(r["num_reviews"]!)));
    }
}
