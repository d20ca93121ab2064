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
}
