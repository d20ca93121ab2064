using Emporium.Cli.Hosting;
using Emporium.Cli.Web.Auth;
using Emporium.Configuration;

namespace Emporium.Cli.Web;

/// <summary>In a process running only some roles, any <c>/api/…</c> request no hosted endpoint takes (a POST to ingest
/// on a processor, the DAG API on an ingest process) gets a 404 saying which roles this process runs, instead of the
/// dashboard's catch-all answering 405.</summary>
public sealed class OtherRolesEndpoints : IEndpointModule
{
    public ProcessRoles Roles => ProcessRoles.All;

    /// <summary>The problem's title, by which a client knows to point at another process.</summary>
    public const string NotServedTitle = "not served by this process";

    public void Map(IEndpointRouteBuilder app)
    {
        var roles = app.ServiceProvider.GetRequiredService<EmporiumOptions>().RolesOf();
        if (roles == ProcessRoles.All)
        {
            return;
        }
        // Literal API routes rank above this catch-all, so hosted endpoints keep their paths.
        app.Map("/api/{**rest}", (HttpContext http) => ApiErrors.Problem(StatusCodes.Status404NotFound, NotServedTitle,
                $"No endpoint at {http.Request.Method} {http.Request.Path} in this process (role {ProcessRoleSetting.Describe(roles)}): " +
                $"{ServedBy(http.Request.Path)}."))
            .AllowWithoutKey()
            .ExcludeFromDescription();
    }

    /// <summary>Which role serves a path, so the answer names the one process to aim at, not every role's list.</summary>
    private static string ServedBy(PathString path) =>
        path.StartsWithSegments("/api/v1/dags") ? "the DAG API is served by --role scheduler"
        : path.StartsWithSegments("/api/v1/replay") ? "replay is served by --role processor"
        : "ingest, batch loads and the read APIs are served by --role ingest";
}
