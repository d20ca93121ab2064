using System.CommandLine;
using Emporium.Cli.Commands.Client;
using Emporium.Cli.Hosting;
using Emporium.Marts;
using Emporium.Warehouse;

namespace Emporium.Cli.Commands;

/// <summary><c>emporium marts [NAME] [--limit N] [--format table|csv|json]</c>: lists the marts or prints one, through
/// the server that owns the data dir (or --url), else from the warehouse directly while holding the data dir's lock.</summary>
public sealed class MartsCommand : ICliCommand
{
    public Command Build()
    {
        var name = new Argument<string?>("name") { Description = "Mart to print (omit to list them)", Arity = ArgumentArity.ZeroOrOne };
        var limit = new Option<int?>("--limit") { Description = "Rows (default: 10 for rankings, all for distributions)" };
        var format = new Option<string>("--format") { Description = "Output: table, csv or json", DefaultValueFactory = _ => "table" };
        format.AcceptOnlyFromAmong([.. TableOutput.Formats]);
        var data = CommonOptions.Data();
        var url = CommonOptions.Url();
        var apiKey = CommonOptions.ApiKey();
        var command = new Command("marts", "List the marts or print one") { name, limit, format, data, url, apiKey };
        command.SetAction(async (parse, ct) =>
        {
            var mart = parse.GetValue(name);
            try
            {
                if (ServerLocator.Find(parse.GetValue(url), parse.GetValue(data)) is { } server)
                {
                    using var client = new EmporiumClient(server, ServerLocator.ApiKey(parse.GetValue(apiKey)));
                    if (mart is null)
                    {
                        foreach (var m in await client.MartsAsync(ct))
                        {
                            Console.WriteLine(m);
                        }
                        return 0;
                    }
                    TableOutput.Write(await client.MartAsync(mart, parse.GetValue(limit), ct), parse.GetValue(format)!, Console.Out, mart);
                    return 0;
                }
                if (mart is null)
                {
                    foreach (var m in MartCatalog.All)
                    {
                        Console.WriteLine(m.Name);
                    }
                    return 0;
                }
                var result = await QueryCommand.WithLocalWarehouseAsync(parse.GetValue(data), async w =>
                {
                    await w.InitializeAsync(Datasets.DatasetCatalog.All, ct);
                    return await new MartService(w).QueryAsync(mart, parse.GetValue(limit), ct);
                }, ct);
                TableOutput.Write(result, parse.GetValue(format)!, Console.Out, mart);
                return 0;
            }
            catch (Exception e) when (e is ApiException or UnknownMartException or StartupException or BackendUnavailableException or HttpRequestException or QueryRejectedException)
            {
                await Console.Error.WriteLineAsync($"emporium marts: {e.Message}");
                return e is ApiException { Status: 404 } or UnknownMartException ? 1 : 2;
            }
        });
        return command;
    }
}
