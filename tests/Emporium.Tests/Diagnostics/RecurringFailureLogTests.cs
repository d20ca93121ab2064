using Emporium.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;

namespace Emporium.Tests.Diagnostics;

public sealed class RecurringFailureLogTests
{
    private static readonly IOException Full = new("No space left on device : '/d/landing'", 28);

    [Fact]
    public void A_failure_repeated_every_second_for_five_minutes_is_one_trace_then_a_reminder_a_minute_then_recovered()
    {
        var logger = new FakeLogger();
        var clock = new FakeTimeProvider(new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var log = new RecurringFailureLog(logger, "landing scan", clock);

        for (var second = 0; second < 300; second++)
        {
            // As seen on a full disk: each try's temporary file has a name of its own.
            log.Failed(second == 0 ? Full : new IOException($"No space left on device : '/d/.tmp-{second}'", 28), "retrying");
            clock.Advance(TimeSpan.FromSeconds(1));
        }
        log.Succeeded();
        log.Succeeded();

        var records = logger.Collector.GetSnapshot();
        Assert.Equal(1 + 4 + 1, records.Count);
        Assert.Same(Full, records[0].Exception);
        Assert.Equal(LogLevel.Warning, records[0].Level);
        Assert.Contains("landing scan failed: No space left on device", records[0].Message, StringComparison.Ordinal);
        Assert.All(records.Skip(1), r => Assert.Null(r.Exception));
        Assert.Equal("landing scan still failing (61 failures since 2024-01-01T00:00:00.0000000+00:00): No space left on device : '/d/.tmp-60'; retrying", records[1].Message);
        Assert.Equal("landing scan recovered after 300 failures over 00:05:00", records[^1].Message);
        Assert.Equal(LogLevel.Information, records[^1].Level);
        Assert.Equal(0, log.Failures);
    }

    [Fact]
    public void A_different_failure_gets_its_own_trace_and_a_failure_after_recovery_starts_again()
    {
        var logger = new FakeLogger();
        var clock = new FakeTimeProvider();
        var log = new RecurringFailureLog(logger, "checkpoint", clock, TimeSpan.FromSeconds(30));

        log.Failed(Full, "the next start reads a longer log tail");
        log.Failed(Full, "the next start reads a longer log tail");
        var other = new UnauthorizedAccessException("Access to the path '/d/x' is denied.");
        log.Failed(other, "the next start reads a longer log tail");
        log.Succeeded();
        log.Failed(Full, "the next start reads a longer log tail", LogLevel.Error);

        var records = logger.Collector.GetSnapshot();
        Assert.Equal([Full, other, null, Full], records.Select(r => r.Exception));
        Assert.Equal(LogLevel.Error, records[^1].Level);
    }
}
