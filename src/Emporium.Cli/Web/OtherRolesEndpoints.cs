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

    public void Map(IEndpointRouteBuilder app)
    {
        var roles = app.ServiceProvider.GetRequiredService<EmporiumOptions>().RolesOf();
        if (roles == ProcessRoles.All)
        {
            return;
        }
        // Literal API routes rank above this catch-all, so hosted endpoints keep their paths.
        app.Map("/api/{**rest}", (HttpContext http) => ApiErrors.Problem(StatusCodes.Status404NotFound, "not served by this process",
                $"No endpoint at {http.Request.Method} {http.Request.Path} in this process (role {ProcessRoleSetting.Describe(roles)}); " +
                "ingest and read APIs are served by --role ingest, replay by --role processor, the DAG API by --role scheduler."))
            .AllowWithoutKey()
            .ExcludeFromDescription();
    }
}
