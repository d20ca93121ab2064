using System.CommandLine;
using Emporium.Cli.Commands.Batch;

namespace Emporium.Cli.Commands;

/// <summary><c>emporium catalog [NAME] [--format table|json]</c>: every dataset and crawled table with schema,
/// partitions, files, rows and last load (or one of them in detail); <c>emporium catalog drop NAME</c> drops a crawled
/// table.</summary>
public sealed class CatalogCommand : ICliCommand
{
    public Command Build()
    {
        var name = new Argument<string?>("name") { Description = "One table to show in detail", Arity = ArgumentArity.ZeroOrOne };
        var format = new Option<string>("--format") { Description = "table or json", DefaultValueFactory = _ => "table" };
        format.AcceptOnlyFromAmong("table", "json");
        var data = CommonOptions.Data();
        var url = CommonOptions.Url();
        var apiKey = CommonOptions.ApiKey();
        var command = new Command("catalog", "Show datasets and crawled tables: schema, partitions, files, rows, last load") { name, format, data, url, apiKey, Drop() };
        command.SetAction(async (parse, ct) =>
        {
            var tables = await CatalogCommandRunner.ListAsync(parse.GetValue(data), parse.GetValue(url), parse.GetValue(apiKey), ct);
            if (tables is null)
            {
                return 2;
            }
            var wanted = parse.GetValue(name);
            if (wanted is not null)
            {
                var matching = tables.Where(t => string.Equals(t.Name, wanted, StringComparison.OrdinalIgnoreCase)).ToList();
                if (matching.Count == 0)
                {
                    // As GET /api/v1/catalog/{name} answers: a typo is fixed faster with the names at hand.
                    await Console.Error.WriteLineAsync($"emporium catalog: '{wanted}' is not catalogued (known: {string.Join(", ", tables.Select(t => t.Name))})");
                    return 1;
                }
                tables = matching;
            }
            if (parse.GetValue(format) == "json")
            {
                Console.WriteLine(System.Text.Json.JsonSerializer.Serialize(new { tables }, BatchJson.Options));
            }
            else
            {
                CatalogOutput.Write(tables, detailed: wanted is not null);
            }
            return 0;
        });
        return command;
    }

    private static Command Drop()
    {
        var name = new Argument<string>("name") { Description = "The crawled table to drop" };
        var data = CommonOptions.Data();
        var url = CommonOptions.Url();
        var apiKey = CommonOptions.ApiKey();
        var command = new Command("drop", "Drop a crawled table and its catalog entry (datasets are not dropped)") { name, data, url, apiKey };
        command.SetAction(async (parse, ct) =>
        {
            var dropped = await CatalogCommandRunner.DropAsync(parse.GetValue(name)!, parse.GetValue(data), parse.GetValue(url), parse.GetValue(apiKey), ct);
            if (dropped is null)
            {
                return 1;
            }
            Console.WriteLine($"Dropped {dropped}.");
            return 0;
        });
        return command;
    }
}
