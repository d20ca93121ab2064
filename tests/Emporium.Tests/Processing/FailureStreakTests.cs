using Emporium.Datasets;
using Emporium.Processing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;

namespace Emporium.Tests.Processing;

/// <summary>A warehouse that stays unavailable made the processor log a full stack trace every second, forever. Now
/// the pause doubles up to <see cref="StreamProcessorOptions.MaxRetryDelay"/>, a repeated failure is at most a line a
/// minute (<see cref="Emporium.Diagnostics.RecurringFailureLog"/>), and the recovery is logged.</summary>
public sealed class FailureStreakTests
{
    [Fact]
    public void The_pause_doubles_up_to_the_cap()
    {
        var streak = new FailureStreak();
        var pauses = Enumerable.Range(0, 7).Select(_ => streak.Next(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(10)).TotalSeconds).ToList();
        Assert.Equal([1, 2, 4, 8, 10, 10, 10], pauses);
        Assert.Equal(7, streak.Count);
        Assert.Equal(TimeSpan.FromHours(1), new FailureStreak().Next(TimeSpan.FromHours(1), TimeSpan.FromSeconds(10)));
        var long_ = new FailureStreak();
        for (var i = 0; i < 200; i++)
        {
            Assert.True(long_.Next(TimeSpan.FromDays(1), TimeSpan.FromDays(2)) <= TimeSpan.FromDays(2));
        }
    }

    [Fact]
    public async Task A_failing_warehouse_is_logged_once_with_its_stack_and_its_recovery_counts_the_failed_attempts()
    {
        var logger = new FakeLogger<StreamProcessor>();
        await using var h = await ProcessingHarness.StartAsync(new StreamProcessorOptions
        {
            Datasets = [DatasetCatalog.Orders],
            RetryDelay = TimeSpan.FromMilliseconds(10),
            MaxRetryDelay = TimeSpan.FromMilliseconds(40),
        }, logger: logger);
        await h.AppendAsync(Enumerable.Range(0, 10).Select(TestRecords.Order));
        var failures = 6;
        h.Warehouse.FaultInjection = step =>
        {
            if (step == "rows" && Interlocked.Decrement(ref failures) >= 0)
            {
                throw new IOException("disk unavailable");
            }
        };
        await h.Processor.StartAsync(CancellationToken.None);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(90);
        while ((long)(await h.QueryAsync("SELECT count(*) FROM orders"))[0][0]! < 10 || !logger.Collector.GetSnapshot().Any(r => r.Message.StartsWith("processor batch recovered", StringComparison.Ordinal)))
        {
            Assert.True(DateTime.UtcNow < deadline, "the rows did not land after the warehouse recovered");
            await Task.Delay(20);
        }
        await h.Processor.StopAsync(CancellationToken.None);

        // Six failures well within a minute: the first with its stack trace, no reminder yet, then the recovery.
        var logged = logger.Collector.GetSnapshot().Where(r => r.Message.StartsWith("processor batch", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, logged.Count);
        Assert.Equal(LogLevel.Error, logged[0].Level);
        Assert.IsType<IOException>(logged[0].Exception);
        Assert.Contains("disk unavailable; retrying in 00:00:00.0100000", logged[0].Message, StringComparison.Ordinal);
        Assert.Equal(LogLevel.Information, logged[1].Level);
        Assert.StartsWith("processor batch recovered after 6 failures", logged[1].Message, StringComparison.Ordinal);
        Assert.Equal(10L, (await h.QueryAsync("SELECT count(*) FROM orders"))[0][0]);
    }
}
