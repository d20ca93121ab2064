using System.CommandLine;

namespace Emporium.Cli.Commands;

/// <summary>Options shared by several commands, so they read and document alike.</summary>
public static class CommonOptions
{
    public static Option<string?> Data() => new("--data") { Description = "Data directory (default ./emporium-data, or EMPORIUM__DATADIR)" };

    /// <param name="fallbackUrl">Where the command goes when no server owns the data dir (send, which has nothing to do
    /// without one) when no --data was given; the other commands then work on the data dir in their own process.</param>
    public static Option<string?> Url(string? fallbackUrl = null) => new("--url")
    {
        Description = fallbackUrl is null
            ? "Server URL (default: the server that owns the data dir; without one, the command works on the data dir itself)"
            : $"Server URL (default: the server that owns the data dir, else, without --data, {fallbackUrl})",
    };

    public static Option<string?> ApiKey() => new("--api-key") { Description = "API key (default: EMPORIUM_API_KEY)" };

    /// <summary>The file format option of <c>load</c> and <c>send</c> (the batch loader's readers).</summary>
    public static Option<string> Format()
    {
        var format = new Option<string>("--format") { Description = "auto (by content), csv, tsv, json, ndjson, xlsx or parquet", DefaultValueFactory = _ => "auto" };
        format.AcceptOnlyFromAmong("auto", "csv", "tsv", "json", "ndjson", "xlsx", "parquet");
        return format;
    }

    public static Option<string?> JsonPath() =>
        new("--json-path") { Description = "Where the records sit in a JSON document, e.g. data.products (default: detected)" };
}
