using Emporium.Ingest;
using Emporium.Log;
using Emporium.Tests.TestSupport;
using Microsoft.Extensions.Time.Testing;

namespace Emporium.Tests.Ingest;

public sealed class LagMonitorTests
{
    /// <summary>The demo seeder waits for "no lag" after sending its records: a reading another request (a dashboard's
    /// poll) cached just before the last send said so at once, and the demo DAGs ran over part of the orders.</summary>
    [Fact]
    public async Task A_reading_asked_for_after_an_append_is_never_a_reading_cached_before_it()
    {
        var log = new InMemoryEventLog { NothingProcessed = true };
        var time = new FakeTimeProvider(DateTimeOffset.Parse("2026-01-01T00:00:00Z"));
        var monitor = new LagMonitor(log, null, new IngestOptions(), time);
        Assert.Equal(0, (await monitor.GetAsync(CancellationToken.None)).TotalLag);

        time.Advance(TimeSpan.FromMilliseconds(50));
        await log.AppendAsync("orders", [new LogMessage("k", "{}"u8.ToArray())], CancellationToken.None);
        var sent = time.GetUtcNow();

        Assert.Equal(0, (await monitor.GetAsync(CancellationToken.None)).TotalLag); // cached for a moment, by design
        var after = await monitor.GetAsync(sent, CancellationToken.None);
        Assert.Equal(1, after.TotalLag);
        Assert.True(after.TakenAt >= sent);
        Assert.Same(after, await monitor.GetAsync(sent, CancellationToken.None)); // and that one is cached in turn
    }
}
