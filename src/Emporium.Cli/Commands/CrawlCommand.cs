using System.CommandLine;
using Emporium.Batch.Catalog;
using Emporium.Cli.Commands.Batch;

namespace Emporium.Cli.Commands;

/// <summary><c>emporium crawl PATH [--name NAME]</c>: infers a schema for the files under PATH, records it in the catalog
/// and makes it a queryable table (through the owning server when one runs).</summary>
public sealed class CrawlCommand : ICliCommand
{
    public Command Build()
    {
        var path = new Argument<string>("path") { Description = "Folder, file or glob to crawl" };
        var name = new Option<string?>("--name") { Description = "Table name (default: the folder's name)" };
        var data = CommonOptions.Data();
        var url = CommonOptions.Url();
        var apiKey = CommonOptions.ApiKey();
        var command = new Command("crawl", "Infer a schema for files of any shape, catalog it and make it queryable") { path, name, data, url, apiKey };
        command.SetAction(async (parse, ct) =>
        {
            var table = await CatalogCommandRunner.CrawlAsync(Path.GetFullPath(parse.GetValue(path)!), parse.GetValue(name), parse.GetValue(data), parse.GetValue(url), parse.GetValue(apiKey), ct);
            if (table is null)
            {
                return 1;
            }
            CatalogOutput.Write([table], detailed: true);
            return 0;
        });
        return command;
    }
}
