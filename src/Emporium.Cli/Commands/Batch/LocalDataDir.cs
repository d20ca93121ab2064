using System.Text.Json;
using Emporium.Cli.Hosting;
using Emporium.Configuration;
using Emporium.Datasets;
using Emporium.Lake;
using Emporium.Warehouse;

namespace Emporium.Cli.Commands.Batch;

/// <summary>The warehouse and lake of a data dir no server owns, opened while holding the dir's lock so no server
/// starts meanwhile (DuckDB allows one writing process). Shared by the batch commands' direct mode.</summary>
public sealed class LocalDataDir : IAsyncDisposable
{
    private readonly DataDirLock dirLock;

    private LocalDataDir(DataDirLock dirLock, string dataDir, IWarehouse warehouse, ILakeStore lake, EmporiumOptions options)
    {
        this.dirLock = dirLock;
        Options = options;
        DataDir = dataDir;
        Warehouse = warehouse;
        Lake = lake;
    }

    public string DataDir { get; }

    public IWarehouse Warehouse { get; }

    public ILakeStore Lake { get; }

    /// <summary>The data dir's settings (emporium.json, then environment).</summary>
    public EmporiumOptions Options { get; }

    /// <param name="command">The command, as its messages name it (<c>emporium load</c>).</param>
    /// <param name="existing">Only a data dir whose warehouse exists (<see cref="ExistingWarehouse"/>): for commands that
    /// read what it holds, where a new one would be a mistyped <c>--data</c>. Otherwise a data dir that does not exist is
    /// made, and said so on stderr: loading or crawling into a new one is how one can start, but a mistyped
    /// <c>--data</c> looks the same.</param>
    public static async Task<LocalDataDir> OpenAsync(string command, string? dataFlag, IEnumerable<DatasetSchema> extraDatasets, bool existing, CancellationToken ct)
    {
        var dataDir = EmporiumConfiguration.ResolveDataDir(dataFlag);
        var options = EmporiumConfiguration.Load(dataDir);
        BackendRegistry.EnsureServed(options, BackendKind.Warehouse, BackendKind.Lake);
        if (existing)
        {
            ExistingWarehouse.Require(dataDir, options);
        }
        else if (!Directory.Exists(dataDir))
        {
            await Console.Error.WriteLineAsync($"{command}: no data dir {dataDir} yet: creating a new one");
        }
        var dirLock = DataDirLock.Acquire(dataDir);
        IWarehouse? warehouse = null;
        try
        {
            warehouse = await BackendRegistry.CreateAsync<IWarehouse>(BackendAddresses.ForWarehouse(options), options, ct);
            var lake = await BackendRegistry.CreateAsync<ILakeStore>(BackendAddresses.ForLake(options), options, ct);
            await warehouse.InitializeAsync(DatasetCatalog.All.Concat(extraDatasets).DistinctBy(d => d.Name).ToList(), ct);
            return new LocalDataDir(dirLock, BackendAddresses.FullDataDir(options), warehouse, lake, options);
        }
        catch (Exception e)
        {
            if (warehouse is not null)
            {
                await warehouse.DisposeAsync();
            }
            dirLock.Abandon();
            if (DiskFullReport.OpeningDataDir(dataDir, e) is var wrapped && wrapped != e)
            {
                throw wrapped;
            }
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Lake is IAsyncDisposable lake)
        {
            await lake.DisposeAsync();
        }
        await Warehouse.DisposeAsync();
        dirLock.Dispose();
    }
}
