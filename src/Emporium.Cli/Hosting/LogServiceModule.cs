using Emporium.Configuration;
using Emporium.Diagnostics;
using Emporium.Log.Embedded;

namespace Emporium.Cli.Hosting;

/// <summary>Adds the embedded log's counters (appends, fsyncs, segments, size) to <c>/metrics</c> when the log
/// backend is the embedded one.</summary>
public sealed class LogServiceModule : IServiceModule
{
    public void Configure(IServiceCollection services, EmporiumOptions options) =>
        services.AddSingleton<IMetricsSource>(sp => sp.GetRequiredService<Backends>().Log is EmbeddedEventLog log
            ? new EmbeddedLogMetrics(log)
            : NoMetrics.Instance);
}
