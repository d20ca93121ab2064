using System.Globalization;
using System.IO.Hashing;
using System.Text;

namespace Emporium.Alerts;

/// <summary>Compares two snapshots of the same source and reports price changes beyond the threshold, products that
/// went out of stock or came back, and demand jumps.</summary>
public static class AlertDetector
{
    /// <param name="source">What was observed, e.g. <c>seller:A0221…</c> or <c>products</c>.</param>
    /// <param name="previous">The previous snapshot, by ASIN.</param>
    /// <param name="current">The new snapshot, by ASIN.</param>
    /// <param name="completeSnapshot">True when <paramref name="current"/> lists everything the source offers, so a
    /// product missing from it is out of stock (a seller's full catalog); false for partial updates (a stream of
    /// product changes), where absence says nothing.</param>
    public static IReadOnlyList<Alert> Detect(
        string source,
        IReadOnlyDictionary<string, ProductObservation> previous,
        IReadOnlyDictionary<string, ProductObservation> current,
        bool completeSnapshot,
        DateOnly observedFor,
        DateTimeOffset detectedAt,
        AlertOptions options)
    {
        var alerts = new List<Alert>();
        void Add(string kind, ProductObservation p, double? old, double? @new, double? pct, string message) =>
            alerts.Add(new Alert(Id(source, p.Asin, kind, observedFor, old, @new), kind, source, p.Asin, p.Title, old, @new, pct, message, observedFor, detectedAt));

        foreach (var (asin, cur) in current.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            if (!previous.TryGetValue(asin, out var before))
            {
                continue; // a new listing is not a change
            }
            if (before.InStock && !cur.InStock)
            {
                Add(AlertKind.OutOfStock, cur, before.Price, cur.Price, null, $"{Label(cur)} went out of stock");
            }
            else if (!before.InStock && cur.InStock)
            {
                Add(AlertKind.BackInStock, cur, before.Price, cur.Price, null, $"{Label(cur)} is back in stock at {Money(cur.Price, cur.Currency)}");
            }
            if (before.Price is > 0 and var oldPrice && cur.Price is { } newPrice && before.InStock && cur.InStock)
            {
                var pct = ChangePercent(oldPrice, newPrice);
                if (Math.Abs(pct) >= options.PriceChangePercent)
                {
                    Add(AlertKind.PriceChange, cur, oldPrice, newPrice, Math.Round(pct, 2),
                        $"{Label(cur)} price {(pct > 0 ? "rose" : "fell")} {Math.Abs(pct):0.#}% from {Money(oldPrice, before.Currency)} to {Money(newPrice, cur.Currency)}");
                }
            }
            if (cur.Demand is { } newDemand && before.Demand is { } oldDemand
                && newDemand - oldDemand >= options.MinDemandIncrease
                && AtLeastTimes(newDemand, oldDemand, options.DemandJumpFactor))
            {
                double? pct = oldDemand > 0 ? Math.Round((newDemand - oldDemand) * 100.0 / oldDemand, 2) : null;
                Add(AlertKind.DemandJump, cur, oldDemand, newDemand, pct, $"{Label(cur)} demand jumped from {oldDemand}+ to {newDemand}+ bought per month");
            }
        }
        if (completeSnapshot)
        {
            foreach (var (asin, before) in previous.OrderBy(kv => kv.Key, StringComparer.Ordinal))
            {
                if (before.InStock && !current.ContainsKey(asin))
                {
                    Add(AlertKind.OutOfStock, before, before.Price, null, null, $"{Label(before)} is no longer offered");
                }
            }
        }
        return alerts;
    }

    /// <summary>The change in percent, worked out on the prices as written (2.20, 2.42) rather than on their doubles:
    /// in doubles (2.42 − 2.20) / 2.20 × 100 is 9.999999999999988, so a move of exactly the threshold raised an alert
    /// for some prices and not for others. The exact percentage read as a double is the threshold's own double when
    /// the two are equal. Prices outside what a decimal holds to 6 places fall back to doubles.</summary>
    private static double ChangePercent(double oldPrice, double newPrice) =>
        Exact(oldPrice) is { } before and not 0 && Exact(newPrice) is { } after
            ? (double)((after - before) / before * 100)
            : (newPrice - oldPrice) / oldPrice * 100;

    /// <summary>Whether <paramref name="now"/> is at least <paramref name="factor"/> times <paramref name="before"/>,
    /// on the factor as written: in doubles 400 × 1.1 is 440.00000000000006, so 440 was not a 1.1× jump.</summary>
    private static bool AtLeastTimes(long now, long before, double factor) =>
        before > 0 && Exact(factor) is { } exact ? (decimal)now / before >= exact : now >= before * factor;

    /// <summary>A double as the decimal it is written as (its shortest round-trip form): 2.42, not
    /// 2.41999999999999992894572642398998141288757324. Null when that needs more than a decimal's 28 digits to hold
    /// to 6 places.</summary>
    private static decimal? Exact(double value) =>
        Math.Abs(value) is 0 or (>= 1e-6 and < 1e15)
            ? decimal.Parse(value.ToString("R", CultureInfo.InvariantCulture), NumberStyles.Float, CultureInfo.InvariantCulture)
            : null;

    private static string Label(ProductObservation p) => p.Title is { Length: > 0 } t ? $"{p.Asin} ({t})" : p.Asin;

    /// <summary>A price with its currency's code when the source names one ("12.50 USD"): a message read in a webhook or
    /// the feed had bare numbers.</summary>
    private static string Money(double? value, string? currency) =>
        (value is { } v ? v.ToString("0.00", CultureInfo.InvariantCulture) : "?") + (currency is { Length: > 0 } code ? $" {code}" : "");

    private static string Id(string source, string asin, string kind, DateOnly day, double? old, double? @new)
    {
        var key = string.Join('\u001f', source, asin, kind, day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            old?.ToString("R", CultureInfo.InvariantCulture), @new?.ToString("R", CultureInfo.InvariantCulture));
        return Convert.ToHexStringLower(XxHash128.Hash(Encoding.UTF8.GetBytes(key)));
    }
}
