using Emporium.Cli.Hosting;

namespace Emporium.Cli.Commands.Client;

/// <summary>Decides where a CLI command talks to: an explicit --url, else the server owning the data dir, else none.</summary>
public static class ServerLocator
{
    public const string DefaultUrl = "http://127.0.0.1:5080";

    /// <summary>The server URL for a command, or null when no server owns the data dir and none was named.</summary>
    public static string? Find(string? url, string? dataFlag)
    {
        if (!string.IsNullOrWhiteSpace(url))
        {
            return url.TrimEnd('/');
        }
        return DataDirLock.FindOwner(EmporiumConfiguration.ResolveDataDir(dataFlag))?.Url;
    }

    /// <summary>The API key: --api-key, else EMPORIUM_API_KEY.</summary>
    public static string? ApiKey(string? flag) =>
        string.IsNullOrWhiteSpace(flag) ? Environment.GetEnvironmentVariable("EMPORIUM_API_KEY") : flag;
}
