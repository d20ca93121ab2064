using System.CommandLine;

namespace Emporium.Cli.Commands;

/// <summary>Options shared by several commands, so they read and document alike.</summary>
public static class CommonOptions
{
    public static Option<string?> Data() => new("--data") { Description = "Data directory (default ./emporium-data, or EMPORIUM__DATADIR)" };

    public static Option<string?> Url() => new("--url") { Description = "Server URL (default: the server that owns the data dir, else http://127.0.0.1:5080)" };

    public static Option<string?> ApiKey() => new("--api-key") { Description = "API key (default: EMPORIUM_API_KEY)" };
}
