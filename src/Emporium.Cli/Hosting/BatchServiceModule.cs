using Emporium.Batch.Landing;
using Emporium.Batch.Loading;
using Emporium.Configuration;
using Emporium.Lake;

namespace Emporium.Cli.Hosting;

/// <summary>Registers the batch loader (shared by <c>POST /api/v1/load</c> and the landing-zone watcher, so loads in
/// this process are serialized) when the warehouse, lake and normalizer are available; the watcher runs in processes
/// with the scheduler role.</summary>
public sealed class BatchServiceModule : IServiceModule
{
    public void Configure(IServiceCollection services, EmporiumOptions options)
    {
        var dataDir = BackendAddresses.FullDataDir(options);
        // The host holds the data dir and has started no load yet (DAG loads included).
        ScratchFolder.ClearLeftovers(BatchScratch.Folder(dataDir));
        services.AddSingleton(_ => new ParquetWriter(BatchScratch.Folder(dataDir)));
        services.AddSingleton(sp =>
        {
            var backends = sp.GetRequiredService<Backends>();
            return backends is { Warehouse: { } warehouse, Lake: { } lake, Normalizer: { } normalizer }
                ? new BatchLoader(warehouse, lake, sp.GetRequiredService<ParquetWriter>(), normalizer, sp.GetRequiredService<TimeProvider>(), options.Batch)
                : null!;
        });
        services.AddSingleton(new LandingOptions());
        services.AddSingleton(sp => sp.GetService<BatchLoader>() is { } loader
            ? new LandingZone(Path.Combine(dataDir, "landing"), loader, sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<LandingOptions>(),
                sp.GetRequiredService<ILoggerFactory>().CreateLogger<LandingZone>())
            : null!);
        if (options.Runs(ProcessRoles.Scheduler))
        {
            services.AddHostedService(sp => new LandingWatcher(sp.GetService<LandingZone>(), sp.GetRequiredService<LandingOptions>(),
                sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<LandingWatcher>>()));
        }
    }
}
