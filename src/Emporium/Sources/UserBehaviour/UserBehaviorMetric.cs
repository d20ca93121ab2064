namespace Emporium.Sources.UserBehaviour;

/// <summary>Seed 004's <c>user_behavior_metric</c>, computed correctly. The seed joined purchase lines to reviews row by
/// row and then summed, so a customer with P purchase lines and R reviews had their spend counted R times and their
/// reviews P times. Here each side is aggregated per customer first and the aggregates are joined, so every purchase
/// and every review counts once. Customers who bought on the day but wrote no review keep their spend with zero
/// reviews (the seed's inner join dropped them); purchases without a customer id are not attributable and are left out.
/// Amounts are summed in decimal, so <c>1.25 × 12</c> stays 15.00 rather than 14.999999.</summary>
public static class UserBehaviorMetric
{
    public static IReadOnlyList<UserBehaviorMetricRow> Compute(
        IEnumerable<CustomerPurchase> purchases, IEnumerable<CustomerReview> reviews, DateOnly ds)
    {
        var spent = purchases
            .GroupBy(p => p.CustomerId)
            .ToDictionary(g => g.Key, g => g.Sum(p => p.Quantity * p.UnitPrice));
        var reviewed = reviews
            .GroupBy(r => r.CustomerId)
            .ToDictionary(g => g.Key, g => (Positive: g.LongCount(r => r.Positive), Count: g.LongCount()));
        return spent
            .OrderBy(kv => kv.Key)
            .Select(kv =>
            {
                var (positive, count) = reviewed.GetValueOrDefault(kv.Key);
                return new UserBehaviorMetricRow(kv.Key, kv.Value, positive, count, ds);
            })
            .ToList();
    }

    /// <summary>The seed's SQL, reproduced to document its error: join purchase lines to reviews row by row, then sum
    /// (<c>SUM(quantity * unit_price)</c>, <c>SUM(positive)</c>, <c>COUNT(review)</c> grouped by customer).</summary>
    public static IReadOnlyList<UserBehaviorMetricRow> ComputeLikeSeed(
        IEnumerable<CustomerPurchase> purchases, IEnumerable<CustomerReview> reviews, DateOnly ds) =>
        purchases
            .Join(reviews, p => p.CustomerId, r => r.CustomerId, (p, r) => (p, r))
            .GroupBy(x => x.p.CustomerId)
            .OrderBy(g => g.Key)
            .Select(g => new UserBehaviorMetricRow(
                g.Key, g.Sum(x => x.p.Quantity * x.p.UnitPrice), g.LongCount(x => x.r.Positive), g.LongCount(), ds))
            .ToList();
}
