using System.CommandLine;
using Emporium.Batch.Loading;
using Emporium.Cli.Commands.Batch;
using Emporium.Cli.Commands.Client;
using Emporium.Cli.Hosting;

namespace Emporium.Cli.Commands;

/// <summary><c>emporium load PATH... --dataset NAME [--format …] [--strict] [--force] [--json-path P] [--set COL=VALUE]</c>:
/// loads files, folders or globs into a dataset, through the server that owns the data dir when one runs (only it
/// may write the warehouse), else directly. Exit code 0 when every file loaded (bad rows quarantined), 1 when a
/// file could not be read (or, with --strict, had a bad row), 2 when the request itself is wrong.</summary>
public sealed class LoadCommand : ICliCommand
{
    public Command Build()
    {
        var paths = new Argument<string[]>("paths") { Description = "Files, folders or globs (e.g. 'in/*.csv')", Arity = ArgumentArity.OneOrMore };
        var dataset = new Option<string>("--dataset", "-d") { Description = "Target dataset (products, categories, reviews, orders…)", Required = true };
        var format = CommonOptions.Format();
        var strict = new Option<bool>("--strict") { Description = "Load nothing from a file that has any bad row" };
        var force = new Option<bool>("--force") { Description = "Reload files loaded before, replacing the rows that came from them" };
        var jsonPath = CommonOptions.JsonPath();
        var set = new Option<string[]>("--set") { Description = "COLUMN=VALUE added to rows that lack it (repeatable)", AllowMultipleArgumentsPerToken = false };
        var data = CommonOptions.Data();
        var url = CommonOptions.Url();
        var apiKey = CommonOptions.ApiKey();
        var command = new Command("load", "Load CSV/TSV/JSON/NDJSON/XLSX/Parquet files into a dataset (raw copy, clean Parquet, warehouse, quarantine)")
        {
            paths, dataset, format, strict, force, jsonPath, set, data, url, apiKey,
        };
        command.SetAction(async (parse, ct) =>
        {
            Dictionary<string, string> constants;
            try
            {
                constants = ParseSet(parse.GetValue(set) ?? []);
            }
            catch (LoadSpecException e)
            {
                await Console.Error.WriteLineAsync($"emporium load: {e.Message}");
                return 2;
            }
            var spec = new LoadSpec(parse.GetValue(paths)!.Select(Path.GetFullPath).ToList(), parse.GetValue(dataset)!, parse.GetValue(format),
                parse.GetValue(strict), parse.GetValue(force), parse.GetValue(jsonPath), constants.Count > 0 ? constants : null);
            return await BatchCommandRunner.LoadAsync(spec, parse.GetValue(data), parse.GetValue(url), parse.GetValue(apiKey), ct);
        });
        return command;
    }

    private static Dictionary<string, string> ParseSet(IEnumerable<string> items)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var item in items)
        {
            var eq = item.IndexOf('=');
            if (eq <= 0)
            {
                throw new LoadSpecException($"--set expects COLUMN=VALUE, got '{item}'");
            }
            result[item[..eq].Trim()] = item[(eq + 1)..];
        }
        return result;
    }
}
