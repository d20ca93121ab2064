using Microsoft.Extensions.FileProviders;

namespace Emporium.Cli.Web.Dashboard;

/// <summary>Finds the built dashboard bundle (<c>web/dist</c>), which the build copies into the app's output as
/// <c>dashboard/</c>. A checkout run without that copy (e.g. from an IDE) falls back to <c>web/dist</c> found upwards.</summary>
internal static class DashboardFiles
{
    public const string OutputFolder = "dashboard";

    /// <summary>The bundle folder, or null when the front end was never built.</summary>
    public static string? Locate(string baseDirectory)
    {
        var copied = Path.Combine(baseDirectory, OutputFolder);
        if (File.Exists(Path.Combine(copied, "index.html")))
        {
            return copied;
        }
        for (var dir = new DirectoryInfo(baseDirectory); dir is not null; dir = dir.Parent)
        {
            var dist = Path.Combine(dir.FullName, "web", "dist");
            if (File.Exists(Path.Combine(dist, "index.html")))
            {
                return dist;
            }
        }
        return null;
    }

    public static IFileProvider? Provider(string baseDirectory) =>
        Locate(baseDirectory) is { } root ? new PhysicalFileProvider(root) : null;
}
