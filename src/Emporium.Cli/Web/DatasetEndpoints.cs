using Emporium.Cli.Hosting;
using Emporium.Cli.Web.Auth;
using Emporium.Datasets;
using Emporium.Ingest;

namespace Emporium.Cli.Web;

/// <summary><c>GET /api/v1/datasets</c>: per dataset its schema, warehouse row count, log end offsets, consumer lag and
/// freshness (time since the last row was loaded). The dead letters are listed too, marked by their <c>kind</c>: they
/// pass through the log and the processor like a dataset, and their count, lag and freshness are what a reader of this
/// list looks for when records go missing.</summary>
public sealed class DatasetEndpoints : IEndpointModule
{
    public ProcessRoles Roles => ProcessRoles.Ingest;

    public void Map(IEndpointRouteBuilder app)
    {
        app.MapGet("/api/v1/datasets", async (IServiceProvider services, Backends backends, IngestStats stats, TimeProvider time, CancellationToken ct) =>
            {
                var snapshot = services.GetService<LagMonitor>() is { } lag ? await lag.GetAsync(ct) : null;
                var list = new List<object>();
                foreach (var schema in DatasetCatalog.Streamed)
                {
                    list.Add(await DescribeAsync(schema, snapshot, backends, stats, time.GetUtcNow(), ct));
                }
                return Results.Json(new { datasets = list }, ApiErrors.Json);
            })
            .RequireScope(Scopes.Read)
            .WithName("Datasets")
            .WithSummary("Datasets with schema, row counts, log offsets, lag and freshness");

        app.MapGet("/api/v1/datasets/{name}", async (string name, IServiceProvider services, Backends backends, IngestStats stats, TimeProvider time, CancellationToken ct) =>
            {
                if (DatasetCatalog.FindStreamed(name) is not { } schema)
                {
                    return ApiErrors.UnknownDataset(name, "name", DatasetCatalog.Streamed);
                }
                var snapshot = services.GetService<LagMonitor>() is { } lag ? await lag.GetAsync(ct) : null;
                return Results.Json(await DescribeAsync(schema, snapshot, backends, stats, time.GetUtcNow(), ct), ApiErrors.Json);
            })
            .RequireScope(Scopes.Read)
            .WithName("Dataset")
            .WithSummary("One dataset: schema, row count, log offsets, lag and freshness");
    }

    private static async Task<object> DescribeAsync(DatasetSchema schema, LagSnapshot? snapshot, Backends backends, IngestStats stats, DateTimeOffset now, CancellationToken ct)
    {
        long? rows = null;
        DateTime? lastLoaded = null;
        string? error = null;
        if (backends.Warehouse is { } warehouse)
        {
            try
            {
                var r = await warehouse.QueryAsync($"SELECT count(*), max(_loaded_at) FROM \"{schema.Name}\"", ct);
                rows = Convert.ToInt64(r.Rows[0][0], System.Globalization.CultureInfo.InvariantCulture);
                lastLoaded = r.Rows[0][1] is DateTime t ? DateTime.SpecifyKind(t, DateTimeKind.Utc) : r.Rows[0][1] is DateTimeOffset o ? o.UtcDateTime : null;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                error = e.Message;
            }
        }
        var partitions = snapshot?.Partitions.Where(p => p.Partition.Topic == schema.Name).ToList() ?? [];
        return new
        {
            name = schema.Name,
            kind = schema == DatasetCatalog.DeadLetters ? Emporium.Batch.Catalog.CatalogReport.DeadLettersKind : "dataset",
            key = schema.Key,
            mode = schema.Mode.ToString().ToLowerInvariant(),
            columns = schema.Columns.Select(c => new { name = c.Name, type = c.Type.ToString().ToLowerInvariant(), required = c.Required, aliases = c.Aliases }),
            rows,
            ingestRate = Math.Round(stats.AcceptedPerSecondOf(schema.Name), 1),
            log = new
            {
                endOffsets = partitions.ToDictionary(p => p.Partition.Partition.ToString(System.Globalization.CultureInfo.InvariantCulture), p => p.End),
                processed = partitions.ToDictionary(p => p.Partition.Partition.ToString(System.Globalization.CultureInfo.InvariantCulture), p => p.Processed),
                lag = partitions.Count > 0 && partitions.All(p => p.Lag is not null) ? partitions.Sum(p => p.Lag) : null,
            },
            freshness = new
            {
                lastLoadedAt = lastLoaded,
                secondsSinceLastLoad = lastLoaded is { } l ? Math.Round((now - l).TotalSeconds, 3) : (double?)null,
            },
            error,
        };
    }
}
