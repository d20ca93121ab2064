using Emporium.Cli.Hosting;
using Emporium.Cli.Web.Auth;
using Emporium.Configuration;
using Emporium.Datasets;
using Emporium.Diagnostics;
using Emporium.Ingest;

namespace Emporium.Cli.Web;

/// <summary><c>GET /metrics</c> in Prometheus text format: ingest counters, log end offsets and size, consumer lag,
/// dead letters, plus every registered <see cref="IMetricsSource"/> (processor batch latency and the like).</summary>
public sealed class MetricsEndpoints : IEndpointModule
{
    public ProcessRoles Roles => ProcessRoles.All;

    public void Map(IEndpointRouteBuilder app)
    {
        app.MapGet("/metrics", async (IServiceProvider services, EmporiumOptions options, Backends backends, IngestStats stats, CancellationToken ct) =>
            {
                var w = new PrometheusWriter();
                // A processor or scheduler process never ingests: zero counters there would read as an idle ingest.
                if (options.Runs(ProcessRoles.Ingest))
                {
                    w.Counter("emporium_ingest_requests_total", "Ingest requests answered with 202, 201 or 400 for their records.", stats.Requests);
                    w.Counter("emporium_ingest_records_accepted_total", "Records appended durably to the log.", stats.Accepted);
                    w.Gauge("emporium_ingest_records_per_second", $"Records appended durably per second, averaged over the last {stats.RateWindowSeconds} s.", stats.AcceptedPerSecond);
                    foreach (var schema in DatasetCatalog.All)
                    {
                        w.Gauge("emporium_ingest_dataset_records_per_second", $"Records appended durably per second and dataset, averaged over the last {stats.RateWindowSeconds} s.",
                            stats.AcceptedPerSecondOf(schema.Name), ("dataset", schema.Name));
                    }
                    w.Counter("emporium_ingest_records_rejected_total", "Records rejected and kept as dead letters.", stats.Rejected);
                    w.Counter("emporium_ingest_refused_total", "Requests refused for back-pressure (429) or a full disk (503).", stats.Refused);
                }
                if (backends.Warehouse is { } warehouse)
                {
                    try
                    {
                        w.Gauge("emporium_deadletters", "Rows in the dead_letters table.", await new DeadLetterQuery(warehouse).CountAsync(null, ct));
                    }
                    catch (Exception e) when (e is not OperationCanceledException)
                    {
                        // Table not created yet (no processor): the gauge is simply absent.
                    }
                }
                if (services.GetService<LagMonitor>() is { } lag)
                {
                    var snapshot = await lag.GetAsync(ct);
                    foreach (var p in snapshot.Partitions)
                    {
                        (string, string)[] labels = [("topic", p.Partition.Topic), ("partition", p.Partition.Partition.ToString(System.Globalization.CultureInfo.InvariantCulture))];
                        w.Gauge("emporium_log_end_offset", "Next offset to be written per partition.", p.End, labels);
                        if (p.Lag is { } l)
                        {
                            w.Gauge("emporium_consumer_lag", "Records appended but not yet processed per partition.", l, labels);
                        }
                    }
                    if (snapshot.TotalLag is { } total)
                    {
                        w.Gauge("emporium_consumer_lag_total", "Records appended but not yet processed, all partitions.", total);
                    }
                }
                foreach (var source in services.GetServices<IMetricsSource>())
                {
                    source.Write(w);
                }
                return Results.Text(w.ToString(), "text/plain; version=0.0.4; charset=utf-8");
            })
            .RequireScope(Scopes.Read)
            .WithName("Metrics")
            .WithSummary("Prometheus metrics");
    }
}
