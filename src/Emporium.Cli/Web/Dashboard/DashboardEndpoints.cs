using Emporium.Cli.Hosting;
using Emporium.Cli.Web.Auth;
using Microsoft.AspNetCore.StaticFiles;
using Microsoft.Extensions.FileProviders;
using Microsoft.Net.Http.Headers;

namespace Emporium.Cli.Web.Dashboard;

/// <summary>Serves the web dashboard at <c>/</c>: the built bundle's files, and <c>index.html</c> for any other
/// page path (the app routes on the client). API, health and metrics paths never fall back to the page.</summary>
public sealed class DashboardEndpoints : IEndpointModule
{
    private static readonly string[] ServerPrefixes = ["api/", "api", "metrics", "health", "openapi/", "swagger/"];
    private static readonly FileExtensionContentTypeProvider ContentTypes = new();

    public ProcessRoles Roles => ProcessRoles.Ingest;


    public void Map(IEndpointRouteBuilder app)
    {
        var files = DashboardFiles.Provider(AppContext.BaseDirectory);
        // A catch-all route ranks below every literal route, so the API modules keep their paths.
        app.MapGet("/{**path}", (HttpContext http, string? path) => Serve(http, files, path ?? ""))
            // The bundle holds no data, so it loads without a key; its API calls carry the key typed on the page.
            .AllowWithoutKey()
            .ExcludeFromDescription()
            .WithDisplayName("Dashboard");
    }

    internal static IResult Serve(HttpContext http, IFileProvider? files, string path)
    {
        if (ServerPrefixes.Any(p => path.Equals(p.TrimEnd('/'), StringComparison.OrdinalIgnoreCase) || path.StartsWith(p.EndsWith('/') ? p : p + "/", StringComparison.OrdinalIgnoreCase)))
        {
            if (MethodNotAllowed.MethodsAt(http) is { Count: > 0 } methods)
            {
                return MethodNotAllowed.Problem(http, string.Join(", ", methods));
            }
            return Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "Not found", detail: $"No endpoint at /{path}.");
        }
        SecurityHeaders.Apply(http.Response);
        if (files is null)
        {
            return Results.Text(
                "The dashboard is not built. Build it with scripts/build.sh (runs npm ci and npm run build in web/), then restart.",
                "text/plain; charset=utf-8", statusCode: StatusCodes.Status503ServiceUnavailable);
        }
        var file = path.Length == 0 ? null : files.GetFileInfo(path);
        if (file is { Exists: true, IsDirectory: false, PhysicalPath: not null })
        {
            // Vite names assets by content hash: they never change under one name.
            http.Response.Headers.CacheControl = path.StartsWith("assets/", StringComparison.Ordinal)
                ? "public, max-age=31536000, immutable"
                : "no-cache";
            var type = ContentTypes.TryGetContentType(file.Name, out var t) ? t : "application/octet-stream";
            return Results.File(file.PhysicalPath, type, lastModified: file.LastModified,
                entityTag: new EntityTagHeaderValue($"\"{file.LastModified.UtcTicks:x}-{file.Length:x}\""));
        }
        // A missing file with an extension is a real 404; anything else is a page path of the client router.
        if (Path.HasExtension(path))
        {
            return Results.NotFound();
        }
        var index = files.GetFileInfo("index.html");
        http.Response.Headers.CacheControl = "no-cache";
        return Results.File(index.PhysicalPath!, "text/html; charset=utf-8", lastModified: index.LastModified);
    }
}
