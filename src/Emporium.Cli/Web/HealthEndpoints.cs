using Emporium.Cli.Hosting;
using Emporium.Cli.Web.Auth;
using Emporium.Configuration;

namespace Emporium.Cli.Web;

/// <summary><c>GET /health</c>: whether this process can do its role, and which backends are on and answering; reachable
/// without a key so load balancers can probe. 503 only when the process cannot do its role (see
/// <see cref="BackendHealth.Judge"/>), so a warehouse outage does not take ingest out of rotation.</summary>
public sealed class HealthEndpoints : IEndpointModule
{
    public ProcessRoles Roles => ProcessRoles.All;

    public void Map(IEndpointRouteBuilder app)
    {
        app.MapGet("/health", async (HttpRequest request, Backends backends, BackendHealth health, EmporiumOptions options, ApiKeyRing keys, HostClock clock, TimeProvider time) =>
            {
                var report = await health.CheckAsync(request.HttpContext.RequestAborted);
                // A probe without a key, on a server that needs keys (reachable from the network), learns the kind of
                // each backend and whether it is up, not its paths, hosts or failure details.
                var detailed = !keys.Required || ApiKeyMiddleware.Authenticated(request, keys.Current) is not null;
                string Show(string piece) => detailed ? backends.Describe(piece) : Kind(backends.Describe(piece));
                return Results.Json(new
                {
                    status = report.Status.ToString().ToLowerInvariant(),
                    role = ProcessRoleSetting.Describe(options.RolesOf()),
                    uptimeSeconds = Math.Round((time.GetUtcNow() - clock.StartedAt).TotalSeconds, 1),
                    auth = keys.Required,
                    backends = new { log = Show("log"), lake = Show("lake"), warehouse = Show("warehouse") },
                    unavailable = detailed ? report.Unavailable : report.Unavailable.ToDictionary(u => u.Key, _ => "unavailable"),
                }, ApiErrors.Json, statusCode: report.Status == HealthStatus.Unavailable ? 503 : 200);
            })
            .AllowWithoutKey()
            .WithName("Health")
            .WithSummary("Liveness and backends (their addresses only with a key, when keys are on)");
    }

    /// <summary>"embedded:/srv/data/log" → "embedded"; "unavailable (reason)" → "unavailable".</summary>
    private static string Kind(string description) => description.Split([':', ' '], 2)[0];
}

/// <summary>When this host started.</summary>
public sealed record HostClock(DateTimeOffset StartedAt);
