using Emporium.Datasets;
using Emporium.Processing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;

namespace Emporium.Tests.Processing;

/// <summary>A warehouse that stays unavailable made the processor log a full stack trace every second, forever. Now
/// the pause doubles up to <see cref="StreamProcessorOptions.MaxRetryDelay"/>, a repeated failure is one line, and the
/// recovery is logged.</summary>
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
    public async Task A_failing_warehouse_is_logged_once_with_its_stack_then_one_line_per_retry_and_the_rows_land_after()
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
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while ((long)(await h.QueryAsync("SELECT count(*) FROM orders"))[0][0]! < 10 || !logger.Collector.GetSnapshot().Any(r => r.Message.StartsWith("processor batches commit again", StringComparison.Ordinal)))
        {
            Assert.True(DateTime.UtcNow < deadline, "the rows did not land after the warehouse recovered");
            await Task.Delay(20);
        }
        await h.Processor.StopAsync(CancellationToken.None);

        var failed = logger.Collector.GetSnapshot().Where(r => r.Message.StartsWith("processor batch failed", StringComparison.Ordinal)).ToList();
        Assert.True(failed.Count >= 3, $"{failed.Count} failed batches logged");
        Assert.Equal(LogLevel.Error, failed[0].Level);
        Assert.IsType<IOException>(failed[0].Exception);
        Assert.All(failed.Skip(1), r =>
        {
            Assert.Equal(LogLevel.Warning, r.Level);
            Assert.Null(r.Exception);
            Assert.Contains("disk unavailable", r.Message, StringComparison.Ordinal);
        });
        var pauses = failed.Select(r => r.StructuredState!.Single(kv => kv.Key == "Delay").Value).ToList();
        Assert.Equal(new[] { "00:00:00.0100000", "00:00:00.0200000" }.Concat(Enumerable.Repeat("00:00:00.0400000", failed.Count - 2)), pauses);
        Assert.Contains(logger.Collector.GetSnapshot(), r => r.Level == LogLevel.Information && r.Message == $"processor batches commit again after {failed.Count} failed attempts");
        Assert.Equal(10L, (await h.QueryAsync("SELECT count(*) FROM orders"))[0][0]);
    }
}
