using System.CommandLine;
using Emporium.Batch.Catalog;
using Emporium.Cli.Commands.Batch;

namespace Emporium.Cli.Commands;

/// <summary><c>emporium crawl PATH [--name NAME]</c>: infers a schema for the files under PATH, records it in the catalog
/// and makes it a queryable table, or one table per group of unrelated schemas (through the owning server when one
/// runs).</summary>
public sealed class CrawlCommand : ICliCommand
{
    public Command Build()
    {
        var path = new Argument<string>("path") { Description = "Folder, file or glob to crawl" };
        var name = new Option<string?>("--name") { Description = "Table name (default: the folder's name); files of unrelated schemas make NAME_<folder or file> tables" };
        var data = CommonOptions.Data();
        var url = CommonOptions.Url();
        var apiKey = CommonOptions.ApiKey();
        var command = new Command("crawl", "Infer a schema for files of any shape, catalog it and make it queryable") { path, name, data, url, apiKey };
        command.SetAction(async (parse, ct) =>
        {
            var tables = await CatalogCommandRunner.CrawlAsync(Path.GetFullPath(parse.GetValue(path)!), parse.GetValue(name), parse.GetValue(data), parse.GetValue(url), parse.GetValue(apiKey), ct);
            if (tables is null)
            {
                return 1;
            }
            CatalogOutput.Write(tables, detailed: true);
            // Each warning starts with its file's path, as load's lines start with the file's name.
            foreach (var warning in tables.SelectMany(t => t.Warnings ?? []))
            {
                Console.WriteLine(warning);
            }
            if (tables.Count > 1)
            {
                Console.WriteLine($"The files hold {tables.Count} unrelated schemas, so they make {tables.Count} tables: {string.Join(", ", tables.Select(t => t.Name))}.");
            }
            return 0;
        });
        return command;
    }
}
