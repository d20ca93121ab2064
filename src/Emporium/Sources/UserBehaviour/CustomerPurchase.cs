namespace Emporium.Sources.UserBehaviour;

/// <summary>One purchase line of <c>user_purchase</c> as the metric needs it.</summary>
public sealed record CustomerPurchase(long CustomerId, long Quantity, decimal UnitPrice);

/// <summary>The purchase lines of a <c>user_purchase</c> stage file, with the lines left out of the metric
/// (<paramref name="WithoutCustomer"/>: no customer id) or counted with no amount (<paramref name="WithoutAmount"/>: no
/// quantity or unit price).</summary>
public sealed record PurchaseLines(IReadOnlyList<CustomerPurchase> Lines, int WithoutCustomer, int WithoutAmount);

/// <summary>One classified review of the movie reviews stage file.</summary>
public sealed record CustomerReview(long CustomerId, bool Positive);
