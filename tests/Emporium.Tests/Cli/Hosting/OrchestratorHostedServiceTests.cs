using Emporium.Cli.Hosting;
using Emporium.Tests.Orchestration;
using Emporium.Tests.TestSupport;
using Emporium.Warehouse.Postgres;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;

namespace Emporium.Tests.Cli.Hosting;

/// <summary>The scheduler on a PostgreSQL lease: it says it stands by only when another scheduler holds the lease.</summary>
[Collection(PostgresCollection.Name)]
public sealed class OrchestratorHostedServiceTests(PostgresServer server)
{
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(100);

    [Fact]
    public async Task A_lone_scheduler_takes_the_lease_and_starts_without_saying_it_stands_by()
    {
        var db = await server.CreateDatabaseAsync("lease");
        await using var h = new EngineHarness([new ProbeDag().Build()]);
        var log = new FakeLogger<OrchestratorHostedService>();
        var service = new OrchestratorHostedService(h.Engine, log, new Lifetime(), new PostgresSchedulerLease(db, TimeProvider.System, Poll));

        await service.StartAsync(CancellationToken.None);
        await Until(() => h.Engine.IsStarted);
        await service.StopAsync(CancellationToken.None);

        Assert.DoesNotContain(log.Collector.GetSnapshot(), r => r.Level >= LogLevel.Warning);
        Assert.Contains(log.Collector.GetSnapshot(), r => r.Message.StartsWith("orchestrator started", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_second_scheduler_says_it_stands_by_and_starts_once_the_lease_is_released()
    {
        var db = await server.CreateDatabaseAsync("lease");
        var holder = new PostgresSchedulerLease(db, TimeProvider.System, Poll);
        Assert.True(await holder.TryAcquireAsync(CancellationToken.None));
        await using var h = new EngineHarness([new ProbeDag().Build()]);
        var log = new FakeLogger<OrchestratorHostedService>();
        var service = new OrchestratorHostedService(h.Engine, log, new Lifetime(), new PostgresSchedulerLease(db, TimeProvider.System, Poll));

        await service.StartAsync(CancellationToken.None);
        await Until(() => log.Collector.GetSnapshot().Any(r => r.Level == LogLevel.Warning));
        Assert.Contains("stands by", log.LatestRecord.Message, StringComparison.Ordinal);
        Assert.False(h.Engine.IsStarted);

        await holder.DisposeAsync();
        await Until(() => h.Engine.IsStarted);
        await service.StopAsync(CancellationToken.None);
    }

    /// <summary>Neither a log record nor the engine's start signals the engine's waiters, so this polls; the bound only
    /// turns a hang into a failure.</summary>
    private static async Task Until(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "the condition did not hold within 90 s");
            await Task.Delay(20);
        }
    }

    private sealed class Lifetime : IHostApplicationLifetime
    {
        public CancellationToken ApplicationStarted => CancellationToken.None;

        public CancellationToken ApplicationStopping => CancellationToken.None;

        public CancellationToken ApplicationStopped => CancellationToken.None;

        public void StopApplication() => throw new InvalidOperationException("the lease was not lost in this test");
    }
}
