using Emporium.Cli.Hosting;

namespace Emporium.Cli.Commands;

/// <summary>The check of the commands that write into a data dir without a server but must not start a new one
/// (<c>dag run</c>, <c>dag pause</c>, <c>keys add</c>): a mistyped <c>--data</c>, or the default one run from another
/// folder, would otherwise leave a new data dir behind that no server reads.</summary>
public static class ExistingDataDir
{
    /// <summary>Throws <see cref="StartupException"/> when <paramref name="dataDir"/> does not exist.
    /// <paramref name="toStartNew"/> ends the message: what creating the folder by hand lets the user do.</summary>
    public static void Require(string dataDir, string toStartNew)
    {
        if (!Directory.Exists(dataDir))
        {
            throw new StartupException($"no data dir {dataDir}: start one with emporium up, give the --data of an existing one, or create the folder to {toStartNew}");
        }
    }
}
