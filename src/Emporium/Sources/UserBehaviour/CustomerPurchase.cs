namespace Emporium.Sources.UserBehaviour;

/// <summary>One purchase line of <c>user_purchase</c> as the metric needs it.</summary>
public sealed record CustomerPurchase(long CustomerId, long Quantity, decimal UnitPrice);

/// <summary>One classified review of the movie reviews stage file.</summary>
public sealed record CustomerReview(long CustomerId, bool Positive);
