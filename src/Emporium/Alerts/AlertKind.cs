namespace Emporium.Alerts;

/// <summary>The changes Emporium watches for, as stored in <c>alerts.kind</c>.</summary>
public static class AlertKind
{
    public const string PriceChange = "price_change";
    public const string OutOfStock = "out_of_stock";
    public const string BackInStock = "back_in_stock";
    public const string DemandJump = "demand_jump";
}
