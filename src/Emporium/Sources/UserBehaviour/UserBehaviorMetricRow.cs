namespace Emporium.Sources.UserBehaviour;

/// <summary>One customer's behaviour on one day: money spent, positive reviews and reviews written.</summary>
public sealed record UserBehaviorMetricRow(long CustomerId, decimal AmountSpent, long ReviewScore, long ReviewCount, DateOnly InsertDate);
