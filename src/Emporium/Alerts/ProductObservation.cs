namespace Emporium.Alerts;

/// <summary>What one snapshot says about one product: its price, whether it can be bought, and its demand.</summary>
public sealed record ProductObservation(string Asin, string? Title, double? Price, bool InStock, long? Demand);
