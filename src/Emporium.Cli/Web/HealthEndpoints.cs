using Emporium.Cli.Hosting;
using Emporium.Cli.Web.Auth;
using Emporium.Configuration;

namespace Emporium.Cli.Web;

/// <summary><c>GET /health</c>: liveness plus which backends are on; reachable without a key so load balancers can probe.</summary>
public sealed class HealthEndpoints : IEndpointModule
{
    public ProcessRoles Roles => ProcessRoles.All;

    public void Map(IEndpointRouteBuilder app)
    {
        app.MapGet("/health", (Backends backends, EmporiumOptions options, ApiKeyRing keys, HostClock clock, TimeProvider time) =>
            {
                var ok = backends.Unavailable.Count == 0;
                return Results.Json(new
                {
                    status = ok ? "ok" : "degraded",
                    role = ProcessRoleSetting.Describe(options.RolesOf()),
                    uptimeSeconds = Math.Round((time.GetUtcNow() - clock.StartedAt).TotalSeconds, 1),
                    auth = keys.Required,
                    backends = new { log = backends.Describe("log"), lake = backends.Describe("lake"), warehouse = backends.Describe("warehouse") },
                    unavailable = backends.Unavailable,
                }, ApiErrors.Json);
            })
            .AllowWithoutKey()
            .WithName("Health")
            .WithSummary("Liveness and backends");
    }
}

/// <summary>When this host started.</summary>
public sealed record HostClock(DateTimeOffset StartedAt);
