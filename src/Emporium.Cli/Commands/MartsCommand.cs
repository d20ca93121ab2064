using System.CommandLine;
using Emporium.Cli.Commands.Client;
using Emporium.Cli.Hosting;
using Emporium.Marts;
using Emporium.Warehouse;

namespace Emporium.Cli.Commands;

/// <summary><c>emporium marts [NAME] [--limit N] [--format table|csv|json]</c>: lists the marts, or prints one, through
/// the server that owns the data dir (or --url), else directly from the warehouse file.</summary>
public sealed class MartsCommand : ICliCommand
{
    public Command Build()
    {
        var name = new Argument<string?>("name") { Description = "Mart to print; omit to list the marts", Arity = ArgumentArity.ZeroOrOne };
        var limit = new Option<int?>("--limit") { Description = "Rows to print (default 10 for ranking marts, all for the others)" };
        var format = new Option<string>("--format") { Description = "Output: table, csv or json", DefaultValueFactory = _ => "table" };
        format.AcceptOnlyFromAmong([.. TableOutput.Formats]);
        var data = CommonOptions.Data();
        var url = CommonOptions.Url();
        var apiKey = CommonOptions.ApiKey();
        var command = new Command("marts", "List the marts, or print the rows of one") { name, limit, format, data, url, apiKey };
        command.SetAction(async (parse, ct) =>
        {
            try
            {
                var mart = parse.GetValue(name);
                var result = mart is null
                    ? await CatalogAsync(parse.GetValue(data), parse.GetValue(url), parse.GetValue(apiKey), ct)
                    : await RowsAsync(mart, parse.GetValue(limit), parse.GetValue(data), parse.GetValue(url), parse.GetValue(apiKey), ct);
                TableOutput.Write(result, parse.GetValue(format)!, Console.Out, mart ?? "marts", Console.Error);
                return 0;
            }
            catch (Exception e) when (e is UnknownMartException or MartNotAvailableException or ArgumentOutOfRangeException or QueryRejectedException
                                          or ApiException or StartupException or BackendUnavailableException or HttpRequestException
                                          || Web.MartReadFailures.IsReadFailure(e))
            {
                var message = e switch
                {
                    ArgumentOutOfRangeException range => range.Message.Split(" (Parameter")[0],
                    // Read from the data dir: the engine's failure, named as the server names it (not a stack trace).
                    _ when Web.MartReadFailures.IsReadFailure(e) => Web.MartReadFailures.Describe(parse.GetValue(name)!, e),
                    _ => e.Message,
                };
                await Console.Error.WriteLineAsync($"emporium marts: {message}");
                return e is UnknownMartException or MartNotAvailableException or ArgumentOutOfRangeException or ApiException { Status: 400 or 404, NotServed: false } ? 1 : 2;
            }
        });
        return command;
    }

    /// <summary>The contract, every mart with its columns and description, and whether it can be read now, as
    /// <c>GET /api/v1/marts</c> lists them (the server's answer when one owns the data dir, else the data dir's
    /// warehouse; none is available in a data dir without one).</summary>
    private static async Task<QueryResult> CatalogAsync(string? dataFlag, string? url, string? apiKey, CancellationToken ct)
    {
        IReadOnlyList<string> available;
        if (ServerLocator.Find(url, dataFlag) is { } server)
        {
            using var client = new EmporiumClient(server, ServerLocator.ApiKey(apiKey));
            available = (await client.MartsAsync(ct)).Where(m => m.Available).Select(m => m.Name).ToList();
        }
        else if (NoWarehouse(dataFlag) is { } why)
        {
            await Console.Error.WriteLineAsync($"emporium marts: no mart is available: {why}");
            available = [];
        }
        else
        {
            available = await QueryCommand.WithLocalWarehouseAsync(dataFlag, w => Web.MartEndpoints.ListAsync(w, ct), ct);
        }
        return new QueryResult(
            [new QueryColumn("name", "varchar"), new QueryColumn("available", "boolean"), new QueryColumn("columns", "varchar"), new QueryColumn("description", "varchar")],
            Web.MartEndpoints.Listing(available).Select(m => new object?[]
            {
                m.Name, m.Available, MartCatalog.Find(m.Name) is { } known ? string.Join(", ", known.Columns.Select(c => $"{c.Name} {c.Type}")) : null, m.Description,
            }).ToList());
    }

    /// <summary>Why the data dir has no warehouse to ask (a new or mistyped <c>--data</c>), or null when it has one.</summary>
    private static string? NoWarehouse(string? dataFlag)
    {
        var dataDir = EmporiumConfiguration.ResolveDataDir(dataFlag);
        try
        {
            ExistingWarehouse.Require(dataDir, EmporiumConfiguration.Load(dataDir));
            return null;
        }
        catch (BackendUnavailableException e)
        {
            return e.Message;
        }
    }

    public static async Task<QueryResult> RowsAsync(string name, int? limit, string? dataFlag, string? url, string? apiKey, CancellationToken ct)
    {
        if (MartCatalog.Find(name) is null)
        {
            throw new UnknownMartException(name);
        }
        if (ServerLocator.Find(url, dataFlag) is { } server)
        {
            using var client = new EmporiumClient(server, ServerLocator.ApiKey(apiKey));
            return await client.MartAsync(name, limit, ct);
        }
        return await QueryCommand.WithLocalWarehouseAsync(dataFlag, async w =>
        {
            // As the server answers: the marts whose view or table exists; reading another one failed in DuckDB.
            var available = await Web.MartEndpoints.ListAsync(w, ct);
            if (!available.Contains(name, StringComparer.OrdinalIgnoreCase))
            {
                throw new MartNotAvailableException(MartCatalog.Find(name)!);
            }
            return await new MartService(w).QueryAsync(name, limit, ct);
        }, ct);
    }
}
