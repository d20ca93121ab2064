using Emporium.Alerts;

namespace Emporium.Tests.Alerts;

public sealed class AlertDetectorTests
{
    private static readonly DateOnly Ds = new(2024, 9, 16);
    private static readonly DateTimeOffset Now = new(2024, 9, 16, 6, 0, 0, TimeSpan.Zero);

    private static Dictionary<string, ProductObservation> Snapshot(params ProductObservation[] items) => items.ToDictionary(i => i.Asin);

    [Fact]
    public void Each_kind_of_change_is_reported_and_small_changes_are_not()
    {
        var before = Snapshot(
            new("A", "up", 10, true, 50),
            new("B", "down", 10, true, 50),
            new("C", "small", 10, true, 50),
            new("D", "gone", 10, true, 50),
            new("E", "back", null, false, 50),
            new("F", "demand", 10, true, 100),
            new("G", "small demand", 10, true, 10));
        var after = Snapshot(
            new("A", "up", 11, true, 50),
            new("B", "down", 8.5, true, 50),
            new("C", "small", 10.5, true, 50),
            new("E", "back", 12, true, 50),
            new("F", "demand", 10, true, 1000),
            new("G", "small demand", 10, true, 30),
            new("H", "new listing", 5, true, 5));

        var alerts = AlertDetector.Detect("seller:S", before, after, completeSnapshot: true, Ds, Now, new AlertOptions());

        Assert.Equal(
            [("A", AlertKind.PriceChange), ("B", AlertKind.PriceChange), ("D", AlertKind.OutOfStock), ("E", AlertKind.BackInStock), ("F", AlertKind.DemandJump)],
            alerts.Select(a => (a.Asin, a.Kind)).OrderBy(x => x.Asin));
        Assert.Equal(-15, alerts.Single(a => a.Asin == "B").ChangePct);
        Assert.Equal(alerts.Count, alerts.Select(a => a.Id).Distinct().Count());
    }

    /// <summary>A message named prices as bare numbers ("from 10.00 to 11.00"); it names their currency when the
    /// snapshot does.</summary>
    [Fact]
    public void A_price_message_names_the_currency_of_the_snapshot()
    {
        var before = Snapshot(new("A", "up", 10, true, 50, "EUR"), new("E", "back", null, false, 50, "EUR"), new("N", "no currency", 10, true, 50));
        var after = Snapshot(new("A", "up", 11, true, 50, "EUR"), new("E", "back", 12, true, 50, "EUR"), new("N", "no currency", 20, true, 50));

        var alerts = AlertDetector.Detect("seller:S", before, after, completeSnapshot: true, Ds, Now, new AlertOptions()).ToDictionary(a => a.Asin);

        Assert.Equal("A (up) price rose 10% from 10.00 EUR to 11.00 EUR", alerts["A"].Message);
        Assert.Equal("E (back) is back in stock at 12.00 EUR", alerts["E"].Message);
        Assert.Equal("N (no currency) price rose 100% from 10.00 to 20.00", alerts["N"].Message);
    }

    [Fact]
    public void The_same_change_detected_again_has_the_same_id_and_a_partial_snapshot_reports_no_disappearance()
    {
        var before = Snapshot(new ProductObservation("A", null, 10, true, null), new ProductObservation("B", null, 10, true, null));
        var after = Snapshot(new ProductObservation("A", null, 20, true, null));

        var first = AlertDetector.Detect("products", before, after, completeSnapshot: false, Ds, Now, new AlertOptions());
        var again = AlertDetector.Detect("products", before, after, completeSnapshot: false, Ds, Now.AddHours(1), new AlertOptions());

        Assert.Equal(first.Select(a => a.Id), again.Select(a => a.Id));
        Assert.Equal([AlertKind.PriceChange], first.Select(a => a.Kind));
    }

    [Fact]
    public void The_threshold_is_configurable()
    {
        var before = Snapshot(new ProductObservation("A", null, 100, true, null));
        var after = Snapshot(new ProductObservation("A", null, 103, true, null));

        Assert.Empty(AlertDetector.Detect("s", before, after, true, Ds, Now, new AlertOptions()));
        Assert.Single(AlertDetector.Detect("s", before, after, true, Ds, Now, new AlertOptions { PriceChangePercent = 2.5 }));
    }
    /// <summary>A price that moves by exactly the threshold raises the alert, whatever its digits: in doubles
    /// (2.42 − 2.20) / 2.20 × 100 is 9.999999999999988, so that +10 % (and about 200 of the 490 exact ±10 % moves
    /// each way between $1 and $50) raised nothing while 10.00 → 11.00 did. Likewise demand of exactly the factor times the old.</summary>
    [Theory]
    [InlineData(2.20, 2.42)]
    [InlineData(1.10, 1.21)]
    [InlineData(1.00, 0.90)]
    [InlineData(1.50, 1.35)]
    [InlineData(10, 11)]
    public void A_price_change_of_exactly_the_threshold_is_reported(double oldPrice, double newPrice)
    {
        var before = Snapshot(new ProductObservation("A", null, oldPrice, true, null));
        var after = Snapshot(new ProductObservation("A", null, newPrice, true, null));

        var alert = Assert.Single(AlertDetector.Detect("s", before, after, true, Ds, Now, new AlertOptions()));

        Assert.Equal(AlertKind.PriceChange, alert.Kind);
        Assert.Equal(newPrice > oldPrice ? 10 : -10, alert.ChangePct);
        Assert.Contains(" 10% ", alert.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Demand_of_exactly_the_factor_times_the_old_is_a_jump()
    {
        var before = Snapshot(new ProductObservation("A", null, 10, true, 400));
        var after = Snapshot(new ProductObservation("A", null, 10, true, 440));

        // In doubles 400 × 1.1 is 440.00000000000006, more than 440.
        var alert = Assert.Single(AlertDetector.Detect("s", before, after, true, Ds, Now, new AlertOptions { DemandJumpFactor = 1.1, MinDemandIncrease = 40 }));

        Assert.Equal((AlertKind.DemandJump, 10.0), (alert.Kind, alert.ChangePct));
    }

    [Fact]
    public void An_unchanged_price_raises_nothing_even_at_a_tiny_threshold()
    {
        var before = Snapshot(new ProductObservation("A", null, 19.99, true, 100));
        var after = Snapshot(new ProductObservation("A", null, 19.99, true, 100));

        Assert.Empty(AlertDetector.Detect("s", before, after, true, Ds, Now, new AlertOptions { PriceChangePercent = 1e-9 }));
    }
}
