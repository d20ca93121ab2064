using System.CommandLine;
using Emporium.Cli.Commands.Client;
using Emporium.Cli.Hosting;
using Emporium.Cli.Web;
using Emporium.Configuration;
using Emporium.Datasets;
using Emporium.Lake;
using Emporium.Log;
using Emporium.Processing;
using Emporium.Warehouse;
using Spectre.Console;

namespace Emporium.Cli.Commands;

/// <summary><c>emporium replay DATASET --from-offset N [--partition P]</c>: moves the processor's committed positions
/// back so it reads the log again. Through the running server when one owns the data dir (the processor pauses,
/// rewinds and continues), else directly on the warehouse and lake (the processor picks it up on its next start).</summary>
public sealed class ReplayCommand : ICliCommand
{
    public Command Build()
    {
        var dataset = new Argument<string>("dataset") { Description = $"Dataset: {string.Join(", ", DatasetCatalog.Streamed.Select(d => d.Name))}" };
        var from = new Option<long>("--from-offset") { Description = "First log offset to process again", Required = true };
        var partition = new Option<int?>("--partition") { Description = "Only this partition (default: all)" };
        var data = CommonOptions.Data();
        var url = CommonOptions.Url();
        var apiKey = CommonOptions.ApiKey();
        var command = new Command("replay", "Re-process a dataset from a log offset (idempotent: rows are never doubled)") { dataset, from, partition, data, url, apiKey };
        command.SetAction(async (parse, ct) =>
        {
            var schema = DatasetCatalog.FindStreamed(parse.GetValue(dataset)!);
            if (schema is null)
            {
                await Console.Error.WriteLineAsync($"emporium replay: unknown dataset '{parse.GetValue(dataset)}'; known: {string.Join(", ", DatasetCatalog.Streamed.Select(d => d.Name))}");
                return 2;
            }
            if (parse.GetValue(from) < 0 || parse.GetValue(partition) is < 0)
            {
                await Console.Error.WriteLineAsync("emporium replay: --from-offset and --partition must not be negative");
                return 2;
            }
            try
            {
                var results = await RunAsync(schema, parse.GetValue(from), parse.GetValue(partition), parse.GetValue(data), parse.GetValue(url), parse.GetValue(apiKey), ct);
                Print(schema, results);
                return 0;
            }
            catch (Exception e) when (e is OffsetConflictException or UnknownPartitionException or ApiException or StartupException or BackendUnavailableException or HttpRequestException or IOException)
            {
                await Console.Error.WriteLineAsync($"emporium replay: {e.Message}");
                return 2;
            }
        });
        return command;
    }

    public static async Task<IReadOnlyList<ReplayResult>> RunAsync(DatasetSchema schema, long from, int? partition, string? dataFlag, string? url, string? apiKey, CancellationToken ct)
    {
        if (ServerLocator.Find(url, dataFlag) is { } server)
        {
            using var client = new EmporiumClient(server, ServerLocator.ApiKey(apiKey));
            return await ReplayEndpoints.RequestAsync(client, schema.Name, from, partition, ct);
        }
        var dataDir = EmporiumConfiguration.ResolveDataDir(dataFlag);
        var options = EmporiumConfiguration.Load(dataDir);
        BackendRegistry.EnsureServed(options, BackendKind.Warehouse, BackendKind.Log, BackendKind.Lake);
        // Nothing was committed where no warehouse is: a mistyped --data, not a replay of nothing.
        ExistingWarehouse.Require(dataDir, options);
        using var dirLock = DataDirLock.Acquire(dataDir);
        IWarehouse? warehouse = null;
        IEventLog? log = null;
        ILakeStore? lake = null;
        try
        {
            warehouse = await BackendRegistry.CreateAsync<IWarehouse>(BackendAddresses.ForWarehouse(options), options, ct);
            // The log says where it starts: a replay must not withdraw rows from before it, which retention deleted.
            log = await BackendRegistry.CreateAsync<IEventLog>(BackendAddresses.ForLog(options), options, ct);
            lake = await BackendRegistry.CreateAsync<ILakeStore>(BackendAddresses.ForLake(options), options, ct);
        }
        catch
        {
            await CloseAsync(warehouse, log, lake);
            dirLock.Abandon();
            throw;
        }
        try
        {
            await warehouse.InitializeAsync(DatasetCatalog.All, ct);
            return await new ReplayService(warehouse, lake, log).ReplayAsync(options.Ingest.ProcessorGroup, schema, from, partition, ct);
        }
        finally
        {
            await CloseAsync(warehouse, log, lake);
        }
    }

    private static async Task CloseAsync(IWarehouse? warehouse, IEventLog? log, ILakeStore? lake)
    {
        if (lake is IAsyncDisposable disposable)
        {
            await disposable.DisposeAsync();
        }
        if (log is not null)
        {
            await log.DisposeAsync();
        }
        if (warehouse is not null)
        {
            await warehouse.DisposeAsync();
        }
    }

    private static void Print(DatasetSchema schema, IReadOnlyList<ReplayResult> results)
    {
        if (results.Count == 0)
        {
            AnsiConsole.MarkupLine($"Nothing to replay: the processor has committed nothing of [bold]{Markup.Escape(schema.Name)}[/] in that partition yet.");
            return;
        }
        var table = new Table().Border(TableBorder.Rounded).Title($"replay {Markup.Escape(schema.Name)}");
        table.AddColumns("partition", "was at", "asked", "now at", "ranges removed");
        foreach (var r in results)
        {
            table.AddRow($"{r.Partition.Partition}", $"{r.PreviousOffset}", $"{r.RequestedOffset}",
                r.Rewound ? $"{r.EffectiveOffset}" : $"{r.EffectiveOffset} (unchanged)", $"{r.DeletedSources}");
        }
        AnsiConsole.Write(table);
        if (results.Any(r => r.Rewound && r.EffectiveOffset < r.RequestedOffset))
        {
            AnsiConsole.WriteLine("Batches commit atomically, so an offset inside a committed batch replays that whole batch.");
        }
        foreach (var r in results.Where(r => r.RequestedOffset < r.LogStartOffset))
        {
            AnsiConsole.WriteLine($"Partition {r.Partition.Partition}: the log starts at offset {r.LogStartOffset} (retention deleted the offsets before it), so the replay starts there and the rows of earlier offsets stay as they are.");
        }
        if (results.All(r => !r.Rewound))
        {
            // An offset at or past where the processor stands (a typo, or a partition not processed that far) replays
            // nothing; say so, or the table reads like a replay that happened.
            AnsiConsole.WriteLine($"Nothing to replay: no partition was processed past offset {results.Min(r => r.RequestedOffset)}.");
        }
    }
}
