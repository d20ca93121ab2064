using System.CommandLine;
using Emporium.Cli.Commands.Client;
using Emporium.Cli.Hosting;
using Emporium.Configuration;
using Emporium.Warehouse;

namespace Emporium.Cli.Commands;

/// <summary><c>emporium query "SQL" [--format table|csv|json]</c>: a read-only query, through the server that owns the
/// data dir (or --url), else directly on the warehouse while holding the data dir's lock.</summary>
public sealed class QueryCommand : ICliCommand
{
    public Command Build()
    {
        var sql = new Argument<string>("sql") { Description = "One SELECT or WITH statement" };
        var format = new Option<string>("--format") { Description = "Output: table, csv or json", DefaultValueFactory = _ => "table" };
        format.AcceptOnlyFromAmong([.. TableOutput.Formats]);
        var maxRows = new Option<int>("--max-rows") { Description = "Row cap", DefaultValueFactory = _ => 10_000 };
        var data = CommonOptions.Data();
        var url = CommonOptions.Url();
        var apiKey = CommonOptions.ApiKey();
        var command = new Command("query", "Run a read-only SQL query against the warehouse") { sql, format, maxRows, data, url, apiKey };
        command.SetAction(async (parse, ct) =>
        {
            if (parse.GetValue(maxRows) < 1)
            {
                await Console.Error.WriteLineAsync("emporium query: --max-rows must be at least 1");
                return 2;
            }
            if (string.IsNullOrWhiteSpace(parse.GetValue(sql)))
            {
                await Console.Error.WriteLineAsync("emporium query: the SQL is empty; give one SELECT or WITH statement");
                return 2;
            }
            try
            {
                var result = await RunAsync(parse.GetValue(sql)!, parse.GetValue(maxRows), parse.GetValue(data), parse.GetValue(url), parse.GetValue(apiKey), ct);
                TableOutput.Write(result, parse.GetValue(format)!, Console.Out, notices: Console.Error);
                return 0;
            }
            catch (Exception e) when (e is QueryRejectedException or ApiException or StartupException or BackendUnavailableException or HttpRequestException)
            {
                // Out of memory is the warehouse's setting to raise, not a mistake in the query: say which setting.
                await Console.Error.WriteLineAsync(OutOfMemoryReport.Line("emporium query", e) ?? $"emporium query: {e.Message}");
                return e is QueryRejectedException or ApiException { Status: 400 } ? 1 : 2;
            }
        });
        return command;
    }

    public static async Task<QueryResult> RunAsync(string sql, int maxRows, string? dataFlag, string? url, string? apiKey, CancellationToken ct)
    {
        if (ServerLocator.Find(url, dataFlag) is { } server)
        {
            using var client = new EmporiumClient(server, ServerLocator.ApiKey(apiKey));
            return await client.QueryAsync(sql, maxRows, ct);
        }
        return await WithLocalWarehouseAsync(dataFlag, w => w.QueryReadOnlyAsync(sql, maxRows, ct), ct);
    }

    /// <summary>Opens the warehouse of a data dir no server owns, holding the lock so none starts meanwhile.</summary>
    public static async Task<T> WithLocalWarehouseAsync<T>(string? dataFlag, Func<IWarehouse, Task<T>> action, CancellationToken ct)
    {
        var dataDir = EmporiumConfiguration.ResolveDataDir(dataFlag);
        var options = EmporiumConfiguration.Load(dataDir);
        var address = BackendAddresses.ForWarehouse(options);
        ExistingWarehouse.Require(dataDir, options);
        BackendRegistry.EnsureServed(options, BackendKind.Warehouse);
        using var dirLock = DataDirLock.Acquire(dataDir);
        IWarehouse opened;
        try
        {
            opened = await BackendRegistry.CreateAsync<IWarehouse>(address, options, ct);
        }
        catch
        {
            dirLock.Abandon();
            throw;
        }
        await using var warehouse = opened;
        return await action(warehouse);
    }
}
