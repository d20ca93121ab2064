using Emporium.Configuration;
using Emporium.Diagnostics;
using Emporium.Lake;
using Emporium.Marts;
using Emporium.Processing;

namespace Emporium.Cli.Hosting;

/// <summary>Registers the mart service and, in a process with the processor role, the stream processor (run as a
/// hosted service when the log, lake and warehouse are all available) and its metrics.</summary>
public sealed class ProcessingServiceModule : IServiceModule
{
    public void Configure(IServiceCollection services, EmporiumOptions options)
    {
        services.AddSingleton(sp => new MartService(sp.GetRequiredService<Backends>().RequireWarehouse()));
        if (!options.Runs(ProcessRoles.Processor))
        {
            return;
        }
        var scratch = Path.Combine(BackendAddresses.FullDataDir(options), "tmp");
        // The host holds the data dir and its processor has not started: a killed one's Parquet scratch can go.
        ScratchFolder.ClearLeftovers(scratch);
        services.AddSingleton(sp =>
        {
            var backends = sp.GetRequiredService<Backends>();
            return backends is { Log: { } log, Lake: { } lake, Warehouse: { } warehouse }
                ? new StreamProcessor(log, warehouse, lake,
                    options.Processor.ApplyTo(new StreamProcessorOptions
                    {
                        Group = options.Ingest.ProcessorGroup,
                        Partitions = options.Partitions,
                        TempDirectory = scratch,
                        // A retry is recognised for as long as ingest remembers its key.
                        RetriedRecordWindow = options.Ingest.IdempotencyTtl,
                    }),
                    sp.GetService<RecordHookRegistry>(),
                    sp.GetRequiredService<TimeProvider>(),
                    sp.GetRequiredService<ILogger<StreamProcessor>>())
                : null!;
        });
        services.AddSingleton<IMetricsSource>(sp => sp.GetService<StreamProcessor>() is { } processor
            ? new ProcessorMetrics(processor)
            : NoMetrics.Instance);
        services.AddHostedService<StreamProcessorHostedService>();
    }
}

/// <summary>Runs the processor for the lifetime of the host; a missing backend leaves it off, with a log line.</summary>
public sealed class StreamProcessorHostedService(IServiceProvider services, ILogger<StreamProcessorHostedService> logger) : IHostedService
{
    private StreamProcessor? _processor;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        _processor = services.GetService<StreamProcessor>();
        if (_processor is null)
        {
            var backends = services.GetRequiredService<Backends>();
            logger.LogWarning("stream processor not started: {Missing}", string.Join("; ", backends.Unavailable.Select(kv => $"{kv.Key}: {kv.Value}")));
            return;
        }
        await _processor.StartAsync(cancellationToken);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_processor is not null)
        {
            await _processor.StopAsync(cancellationToken);
        }
    }
}
