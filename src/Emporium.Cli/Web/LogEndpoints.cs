using Emporium.Cli.Hosting;
using Emporium.Cli.Web.Auth;
using Emporium.Log;

namespace Emporium.Cli.Web;

/// <summary><c>GET /api/v1/log?group=…</c> (read): the log's topics, partitions' offsets (and bytes and segments on the
/// embedded log) and consumer groups' lag, as <c>emporium log stats</c> prints them. The embedded log is held by this
/// process, so this is how the CLI reads it while the server runs.</summary>
public sealed class LogEndpoints : IEndpointModule
{
    public ProcessRoles Roles => ProcessRoles.Ingest | ProcessRoles.Processor;

    public void Map(IEndpointRouteBuilder app)
    {
        app.MapGet("/api/v1/log", async (HttpContext context, Backends backends, Configuration.EmporiumOptions options, CancellationToken ct) =>
            {
                // Kafka keeps no list of groups Emporium owns: the processor's unless others are asked for.
                var groups = context.Request.Query["group"].Where(g => !string.IsNullOrWhiteSpace(g)).Select(g => g!).ToList();
                try
                {
                    return Results.Json(await LogReport.ReadAsync(backends.RequireLog(), groups.Count > 0 ? groups : [options.Ingest.ProcessorGroup], ct));
                }
                catch (NotSupportedException e)
                {
                    return ApiErrors.Problem(501, "log stats not available", e.Message);
                }
            })
            .RequireScope(Scopes.Read)
            .WithName("Log")
            .WithSummary("The log's topics, partition offsets (bytes and segments on the embedded log) and consumer lag");
    }
}
