namespace Emporium.Alerts;

/// <summary>One detected change. <paramref name="Id"/> is derived from source, ASIN, kind, snapshot day and values,
/// so detecting the same change again (a re-run of the day) yields the same id and is stored once.</summary>
public sealed record Alert(
    string Id,
    string Kind,
    string Source,
    string Asin,
    string? Title,
    double? OldValue,
    double? NewValue,
    double? ChangePct,
    string Message,
    DateOnly ObservedFor,
    DateTimeOffset DetectedAt);
