using System.Text.Json;
using Emporium.Batch.Loading;
using Emporium.Cli.Commands.Batch;
using Emporium.Cli.Hosting;
using Emporium.Cli.Web.Auth;

namespace Emporium.Cli.Web;

/// <summary><c>POST /api/v1/load {"paths":[…],"dataset","format"?,"strict"?,"force"?,"jsonPath"?,"set"?}</c>: loads files
/// the server can read (the CLI's <c>load</c> goes here while a server owns the data dir, since only that process may
/// write the warehouse). Answers the load summary; 400 for a bad request, 404 for an unknown dataset, 503 when the
/// server has no warehouse, lake or normalizer. Needs the admin scope: it reads the server's file system.</summary>
public sealed class BatchEndpoints : IEndpointModule
{
    public ProcessRoles Roles => ProcessRoles.Ingest;

    public void Map(IEndpointRouteBuilder app)
    {
        app.MapPost("/api/v1/load", async (HttpContext context, IServiceProvider services, CancellationToken ct) =>
            {
                LoadSpec? spec;
                try
                {
                    spec = await JsonSerializer.DeserializeAsync<LoadSpec>(context.Request.Body, BatchJson.Options, ct);
                }
                catch (JsonException e)
                {
                    return ApiErrors.InvalidJson(e, "{\"paths\": [\"/absolute/path\", …], \"dataset\": \"name\", …}");
                }
                if (spec is null || string.IsNullOrWhiteSpace(spec.Dataset) || spec.Paths is null)
                {
                    return ApiErrors.Problem(400, "missing fields", "paths and dataset are required", [ApiErrors.Field("dataset", "required"), ApiErrors.Field("paths", "required")]);
                }
                if (ServerPaths.Problem(spec.Paths) is { } relative)
                {
                    return ApiErrors.Problem(400, "relative path", relative, [ApiErrors.Field("paths", relative)]);
                }
                if (services.GetService<BatchLoader>() is not { } loader)
                {
                    var why = services.GetRequiredService<Backends>().Unavailable;
                    return ApiErrors.Problem(503, "batch loading unavailable", string.Join("; ", why.Select(kv => $"{kv.Key}: {kv.Value}")));
                }
                LoadSpec.Resolved resolved;
                try
                {
                    resolved = spec.Resolve();
                }
                catch (LoadSpecException e)
                {
                    var unknown = e.Field == "dataset";
                    return ApiErrors.Problem(unknown ? 404 : 400, unknown ? "unknown dataset" : "bad load request", e.Message,
                        [ApiErrors.Field(e.Field, e.Message)]);
                }
                var summary = await loader.LoadAsync(resolved, null, ct);
                return Results.Text(JsonSerializer.Serialize(summary, BatchJson.Options), "application/json");
            })
            .RequireScope(Scopes.Admin)
            .WithName("Load")
            .WithSummary("Load files on the server into a dataset (raw copy, clean Parquet, warehouse, quarantine)");
    }
}
