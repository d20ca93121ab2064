using Emporium.Cli.Hosting;
using Emporium.Cli.Web.Auth;
using Emporium.Ingest;

namespace Emporium.Cli.Web.Ingest;

/// <summary><c>GET /api/v1/deadletters[?dataset=NAME&amp;limit=N&amp;offset=K]</c>: rejected records with their reasons, newest first,
/// read from the warehouse's <c>dead_letters</c> table (the same rows the SQL explorer sees).</summary>
public sealed class DeadLetterEndpoints : IEndpointModule
{
    public ProcessRoles Roles => ProcessRoles.Ingest;

    /// <summary>Most dead letters one request returns.</summary>
    public const int MaxLimit = 10_000;

    public void Map(IEndpointRouteBuilder app)
    {
        app.MapGet("/api/v1/deadletters", async (string? dataset, int? limit, long? offset, Backends backends, CancellationToken ct) =>
            {
                if (ApiErrors.InvalidPage(limit, offset, MaxLimit, "newer dead letters") is { } badPage)
                {
                    return badPage;
                }
                if (dataset is not null && Datasets.DatasetCatalog.Find(dataset) is null)
                {
                    // A misspelt name would otherwise read as "no dead letters".
                    return ApiErrors.UnknownDataset(dataset);
                }
                if (backends.Warehouse is not { } warehouse)
                {
                    return ApiErrors.Problem(503, "dead letters unavailable",
                        $"dead letters are a warehouse table and the warehouse is unavailable: {backends.Describe("warehouse")}");
                }
                var query = new DeadLetterQuery(warehouse);
                var letters = await query.LatestAsync(dataset, limit ?? 100, offset ?? 0, ct);
                return Results.Json(new { total = await query.CountAsync(dataset, ct), deadletters = letters }, ApiErrors.Json);
            })
            .RequireScope(Scopes.Read)
            .WithName("DeadLetters")
            .WithSummary("Rejected records with field and reason, newest first (the dead_letters table), a page at a time (limit, offset)");
    }
}
