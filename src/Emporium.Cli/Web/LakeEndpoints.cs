using Emporium.Cli.Hosting;
using Emporium.Cli.Web.Auth;
using Emporium.Lake;

namespace Emporium.Cli.Web;

/// <summary><c>GET /api/v1/lake</c> (read): per dataset the lake's published manifests by compaction level, pending
/// manifests, and visible files, rows and bytes per zone, as <c>emporium lake stats</c> prints them.</summary>
public sealed class LakeEndpoints : IEndpointModule
{
    public ProcessRoles Roles => ProcessRoles.Ingest | ProcessRoles.Processor;

    public void Map(IEndpointRouteBuilder app)
    {
        app.MapGet("/api/v1/lake", async (Backends backends, CancellationToken ct) =>
                Results.Json(await LakeReport.ReadAsync(backends.RequireLake(), ct), ApiErrors.Json))
            .RequireScope(Scopes.Read)
            .WithName("Lake")
            .WithSummary("The lake's manifests (by compaction level, pending) and visible files, rows and bytes per dataset and zone");
    }
}
