using Emporium.Datasets;
using Emporium.Ingest;
using Microsoft.Extensions.Time.Testing;

namespace Emporium.Tests.Ingest;

public class IngestStatsTests
{
    [Fact]
    public void RateIsAcceptedRecordsPerSecondOverTheWindowLeavingOutTheSecondInProgress()
    {
        var time = new FakeTimeProvider(DateTimeOffset.Parse("2026-11-22T10:00:00Z"));
        var stats = new IngestStats(new IngestOptions { RateWindow = TimeSpan.FromSeconds(10) }, time);

        stats.Record(new IngestResult("orders", 300, 2, []));
        Assert.Equal(0, stats.AcceptedPerSecond); // still the current second

        time.Advance(TimeSpan.FromSeconds(1));
        stats.Record(new IngestResult("products", 100, 0, []));
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(40, stats.AcceptedPerSecond); // 400 records over 10 s
        Assert.Equal(30, stats.AcceptedPerSecondOf("orders"));
        Assert.Equal(10, stats.AcceptedPerSecondOf("products"));
        Assert.Equal(0, stats.AcceptedPerSecondOf("reviews"));
        Assert.Equal(400, stats.Accepted);

        time.Advance(TimeSpan.FromSeconds(9)); // the orders second (t=0) is now 11 s old
        Assert.Equal(10, stats.AcceptedPerSecond);
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(0, stats.AcceptedPerSecond);
        Assert.Equal(400, stats.Accepted); // the counter keeps counting
    }

    [Fact]
    public void Rejected_records_are_the_rate_of_the_dead_letters_not_of_their_dataset()
    {
        var time = new FakeTimeProvider(DateTimeOffset.Parse("2026-11-22T10:00:00Z"));
        var stats = new IngestStats(new IngestOptions { RateWindow = TimeSpan.FromSeconds(10) }, time);

        stats.Record(new IngestResult("orders", 30, 20, []));
        stats.Record(new IngestResult("reviews", 0, 50, []));
        time.Advance(TimeSpan.FromSeconds(1));

        Assert.Equal(7, stats.AcceptedPerSecondOf(DatasetCatalog.DeadLetters.Name)); // 70 rejected over 10 s
        Assert.Equal(3, stats.AcceptedPerSecondOf("orders"));
        Assert.Equal(0, stats.AcceptedPerSecondOf("reviews"));
        Assert.Equal(3, stats.AcceptedPerSecond); // the total stays the accepted records
    }
}
