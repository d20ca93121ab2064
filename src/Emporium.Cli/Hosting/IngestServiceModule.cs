using Emporium.Cli.Web.Ingest;
using Emporium.Configuration;
using Emporium.Ingest;

namespace Emporium.Cli.Hosting;

/// <summary>Registers the ingest path: pipeline (when a log and a normalizer exist), dead letters, idempotency keys,
/// lag monitor and the HTTP handler.</summary>
public sealed class IngestServiceModule : IServiceModule
{
    public void Configure(IServiceCollection services, EmporiumOptions options)
    {
        var dataDir = BackendAddresses.FullDataDir(options);
        services.AddSingleton(options.Ingest);
        services.AddSingleton(sp => new IngestStats(options.Ingest, sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton(sp => new IdempotencyStore(Path.Combine(dataDir, "ingest"), options.Ingest.IdempotencyTtl, sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton(sp =>
        {
            var backends = sp.GetRequiredService<Backends>();
            return backends.Log is { } log
                ? new LagMonitor(log, backends.Warehouse, options.Ingest, sp.GetRequiredService<TimeProvider>())
                : null!;
        });
        services.AddSingleton(sp =>
        {
            var backends = sp.GetRequiredService<Backends>();
            return backends is { Log: { } log, Normalizer: { } normalizer }
                ? new IngestPipeline(log, normalizer, sp.GetRequiredService<IngestStats>(), sp.GetRequiredService<TimeProvider>())
                : null!;
        });
        services.AddSingleton(sp => new IngestHandler(
            options,
            sp.GetRequiredService<Backends>(),
            sp.GetService<IngestPipeline>(),
            sp.GetRequiredService<IdempotencyStore>(),
            sp.GetService<LagMonitor>(),
            sp.GetRequiredService<IngestStats>()));
        services.AddHostedService<IdempotencyCheckpointService>();
    }
}

/// <summary>Moves the idempotency store's log checkpoint forward every <see cref="IngestOptions.IdempotencyCheckpointInterval"/>,
/// so a start after a crash only reads the log appended since (see <see cref="IdempotencyStore"/>).</summary>
public sealed class IdempotencyCheckpointService(IdempotencyStore store, IngestOptions options, TimeProvider time, ILogger<IdempotencyCheckpointService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var failures = new Emporium.Diagnostics.RecurringFailureLog(logger, "idempotency checkpoint", time);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(options.IdempotencyCheckpointInterval, time, stoppingToken);
                await store.CheckpointAsync(stoppingToken);
                failures.Succeeded();
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                failures.Failed(e, "the next start reads a longer log tail");
            }
        }
    }
}
