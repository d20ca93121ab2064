using Emporium.Cli.Web;
using Emporium.Warehouse;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;

namespace Emporium.Tests.Cli.Web;

public sealed class MartReadFailuresTests
{
    /// <summary>The dashboard reads a mart every few seconds: a mart that keeps failing is logged once with its
    /// exception (then a reminder a minute), each mart apart, and its recovery once.</summary>
    [Fact]
    public void A_mart_failing_on_every_refresh_is_logged_once_per_mart_then_its_recovery()
    {
        var logger = new FakeLogger<MartReadFailures>();
        using var factory = LoggerFactory.Create(b => b.AddProvider(new FakeLoggerProvider(logger.Collector)));
        var clock = new FakeTimeProvider(new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var failures = new MartReadFailures(factory, clock);
        var overflow = new QueryRejectedException("Out of Range Error: Overflow in SUM");

        for (var i = 0; i < 20; i++)
        {
            failures.Failed("daily_sales", overflow);
            failures.Failed("top_customers", overflow);
            clock.Advance(TimeSpan.FromSeconds(2));
        }
        failures.Succeeded("daily_sales");
        failures.Succeeded("daily_sales");
        failures.Succeeded("price_distribution");

        var records = logger.Collector.GetSnapshot();
        Assert.Equal(3, records.Count);
        Assert.All(records.Take(2), r => Assert.Same(overflow, r.Exception));
        Assert.All(records.Take(2), r => Assert.Equal(LogLevel.Error, r.Level));
        Assert.Contains("reading mart 'daily_sales' failed: Out of Range Error: Overflow in SUM", records[0].Message, StringComparison.Ordinal);
        Assert.Contains("reading mart 'top_customers' failed", records[1].Message, StringComparison.Ordinal);
        Assert.StartsWith("reading mart 'daily_sales' recovered after 20 failures", records[2].Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Only_a_failure_of_the_read_itself_is_answered_here()
    {
        Assert.True(MartReadFailures.IsReadFailure(new QueryRejectedException("Conversion Error")));
        Assert.True(MartReadFailures.IsReadFailure(new EngineError()));
        Assert.False(MartReadFailures.IsReadFailure(new Npgsql.NpgsqlException("connection refused")));
        Assert.False(MartReadFailures.IsReadFailure(new InvalidOperationException("a bug")));
    }

    /// <summary>An engine's own error, as DuckDB raises one.</summary>
    private sealed class EngineError() : System.Data.Common.DbException("Conversion Error: x");
}
