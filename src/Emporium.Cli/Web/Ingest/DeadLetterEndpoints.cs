using Emporium.Cli.Hosting;
using Emporium.Cli.Web.Auth;
using Emporium.Ingest;

namespace Emporium.Cli.Web.Ingest;

/// <summary><c>GET /api/v1/deadletters[?dataset=NAME&amp;limit=N]</c>: rejected records with their reasons, newest first.</summary>
public sealed class DeadLetterEndpoints : IEndpointModule
{
    public ProcessRoles Roles => ProcessRoles.Ingest;

    public void Map(IEndpointRouteBuilder app)
    {
        app.MapGet("/api/v1/deadletters", async (string? dataset, int? limit, IDeadLetterStore store, CancellationToken ct) =>
            {
                var n = Math.Clamp(limit ?? 100, 1, 10_000);
                var letters = new List<DeadLetter>();
                await foreach (var letter in store.ReadLatestAsync(dataset, n, ct))
                {
                    letters.Add(letter);
                }
                return Results.Json(new { total = store.Count, deadletters = letters }, ApiErrors.Json);
            })
            .RequireScope(Scopes.Read)
            .WithName("DeadLetters")
            .WithSummary("Rejected records with field and reason, newest first");
    }
}
