namespace Emporium.Alerts;

/// <summary>The JSON body POSTed to webhooks (snake_case names; <c>GET /api/v1/alerts</c> gives the same fields in
/// camelCase, with the delivery counts).</summary>
public sealed record AlertPayload(
    string id,
    string kind,
    string source,
    string asin,
    string? title,
    double? old_value,
    double? new_value,
    double? change_pct,
    string message,
    string observed_for,
    DateTimeOffset detected_at)
{
    public static AlertPayload From(Alert a) => new(
        a.Id, a.Kind, a.Source, a.Asin, a.Title, a.OldValue, a.NewValue, a.ChangePct, a.Message,
        a.ObservedFor.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), a.DetectedAt);
}
