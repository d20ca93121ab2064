namespace Emporium.Alerts;

/// <summary>What one snapshot says about one product: its price (in <paramref name="Currency"/>, an ISO code, when the
/// source names one), whether it can be bought, and its demand.</summary>
public sealed record ProductObservation(string Asin, string? Title, double? Price, bool InStock, long? Demand, string? Currency = null);
