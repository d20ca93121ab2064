namespace Emporium.Demo;

/// <summary>Settings of the demo data generators.</summary>
/// <param name="Seed">Same seed, same data (default 42).</param>
/// <param name="Start">First day of generated activity (default 2023-01-01 UTC, fixed so output never depends on the
/// clock).</param>
/// <param name="Days">Days the activity spreads over (default 90): orders, reviews and product observations fall on
/// these days, so daily marts and date partitions have several days.</param>
/// <param name="CatalogSize">How many products reviews refer to (default 2000). Reviews use the same ASINs as the first
/// <paramref name="CatalogSize"/> generated products of the same seed, so a demo's reviews join its products.</param>
public sealed record DemoOptions(long Seed = 42, DateTime? Start = null, int Days = 90, int CatalogSize = 2000)
{
    public DateTime StartUtc => DateTime.SpecifyKind(Start ?? new DateTime(2023, 1, 1), DateTimeKind.Utc);

    /// <summary>The instant <paramref name="dayPosition"/> days (clamped to the demo's span) plus
    /// <paramref name="seconds"/> after the start, in whole seconds, as the sources record time.</summary>
    public DateTime At(double dayPosition, long seconds = 0)
    {
        var position = Math.Clamp(dayPosition, 0, Days - 1e-6);
        var wholeSeconds = (long)Math.Floor(position * 86_400) + seconds;
        return StartUtc.AddSeconds(wholeSeconds);
    }
}
