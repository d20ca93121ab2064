namespace Emporium.Cli.Web;

/// <summary>Paths an API client names on the server's machine (loads, crawls) must be absolute: a relative one would
/// resolve against the server's working directory, which the client neither sees nor chose.</summary>
public static class ServerPaths
{
    /// <summary>Why the paths cannot be used, or null when they can.</summary>
    public static string? Problem(IEnumerable<string> paths) =>
        paths.FirstOrDefault(p => !Path.IsPathRooted(p)) is { } relative
            ? $"'{relative}' is a relative path: give an absolute path on the server (it would resolve against the server's working directory, {Environment.CurrentDirectory})"
            : null;
}
