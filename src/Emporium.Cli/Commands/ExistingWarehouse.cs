using Emporium.Cli.Hosting;
using Emporium.Configuration;

namespace Emporium.Cli.Commands;

/// <summary>The check of the commands that only read or rewind what a data dir already holds (<c>query</c>,
/// <c>marts</c>, <c>catalog</c>, <c>replay</c>) before they open it themselves.</summary>
public static class ExistingWarehouse
{
    /// <summary>Throws <see cref="BackendUnavailableException"/> when the data dir's warehouse is a DuckDB file that does
    /// not exist yet. Opening a DuckDB file creates it, and the lock creates the data dir: a mistyped <c>--data</c> would
    /// leave a new data dir behind and answer from an empty warehouse (a mart "not available yet", a table "not found",
    /// an empty catalog, "nothing to replay").</summary>
    public static void Require(string dataDir, EmporiumOptions options)
    {
        var address = BackendAddresses.ForWarehouse(options);
        if (address.Scheme == "duckdb" && (address.Path is null || !File.Exists(address.Path.Split('?', 2)[0])))
        {
            throw new BackendUnavailableException(address, $"no warehouse in {dataDir} yet ({address}): emporium up or emporium load creates it");
        }
    }
}
