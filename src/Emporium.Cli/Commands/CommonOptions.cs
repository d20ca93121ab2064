using System.CommandLine;

namespace Emporium.Cli.Commands;

/// <summary>Options shared by several commands, so they read and document alike.</summary>
public static class CommonOptions
{
    public static Option<string?> Data() => new("--data") { Description = "Data directory (default ./emporium-data, or EMPORIUM__DATADIR)" };

    public static Option<string?> Url() => new("--url") { Description = "Server URL (default: the server that owns the data dir, else http://127.0.0.1:5080)" };

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
