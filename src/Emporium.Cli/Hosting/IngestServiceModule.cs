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
        services.AddSingleton<IngestStats>();
        services.AddSingleton<IDeadLetterStore>(_ => new FileDeadLetterStore(Path.Combine(dataDir, "deadletters")));
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
                ? new IngestPipeline(log, normalizer, sp.GetRequiredService<IDeadLetterStore>(), sp.GetRequiredService<IngestStats>(), sp.GetRequiredService<TimeProvider>())
                : null!;
        });
        services.AddSingleton(sp => new IngestHandler(
            options,
            sp.GetRequiredService<Backends>(),
            sp.GetService<IngestPipeline>(),
            sp.GetRequiredService<IdempotencyStore>(),
            sp.GetService<LagMonitor>(),
            sp.GetRequiredService<IngestStats>()));
    }
}
