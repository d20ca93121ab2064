using System.CommandLine;
using System.Globalization;
using Emporium.Cli.Commands.Client;
using Emporium.Cli.Hosting;
using Emporium.Configuration;
using Emporium.Lake;
using Spectre.Console;

namespace Emporium.Cli.Commands;

/// <summary><c>emporium lake stats</c>: per dataset the lake's manifests by compaction level, pending manifests, and
/// visible files, rows and bytes per zone; through the server that owns the data dir when one runs, else read from the
/// lake the data dir's settings name (reading needs no lock).</summary>
public sealed class LakeCommand : ICliCommand
{
    public Command Build()
    {
        var command = new Command("lake", "Inspect the lake: manifests, compaction levels, files, rows and bytes per dataset and zone");
        var data = CommonOptions.Data();
        var url = CommonOptions.Url();
        var apiKey = CommonOptions.ApiKey();
        var format = new Option<string>("--format") { Description = "table or json", DefaultValueFactory = _ => "table" };
        format.AcceptOnlyFromAmong("table", "json");
        var stats = new Command("stats", "Per dataset: published manifests by compaction level, pending ones, and the visible files, rows and bytes of each zone")
        {
            format, data, url, apiKey,
        };
        stats.SetAction(async (parse, ct) =>
        {
            LakeReport report;
            try
            {
                report = await ReadAsync(parse.GetValue(data), parse.GetValue(url), parse.GetValue(apiKey), ct);
            }
            catch (Exception e) when (e is ApiException or HttpRequestException or BackendConfigurationException or BackendUnavailableException)
            {
                await Console.Error.WriteLineAsync($"emporium lake stats: {e.Message}");
                return 2;
            }
            if (parse.GetValue(format) == "json")
            {
                Console.WriteLine(System.Text.Json.JsonSerializer.Serialize(report, Batch.BatchJson.Options));
            }
            else
            {
                Write(report);
            }
            return 0;
        });
        command.Subcommands.Add(stats);
        return command;
    }

    private static async Task<LakeReport> ReadAsync(string? dataFlag, string? url, string? apiKey, CancellationToken ct)
    {
        if (ServerLocator.Find(url, dataFlag) is { } server)
        {
            using var client = new EmporiumClient(server, ServerLocator.ApiKey(apiKey));
            return await client.GetAsync<LakeReport>("api/v1/lake", ct);
        }
        var dataDir = EmporiumConfiguration.ResolveDataDir(dataFlag);
        var options = EmporiumConfiguration.Load(dataDir);
        var address = BackendAddresses.ForLake(options);
        // Opening a file lake creates its folder: a mistyped --data would leave a new data dir behind and be
        // reported as an empty lake.
        if (address.Scheme == "file" && (address.Path is null || !Directory.Exists(address.Path)))
        {
            throw new BackendUnavailableException(address, $"no lake in {dataDir} yet ({address}): emporium up creates it");
        }
        var lake = await BackendRegistry.CreateAsync<ILakeStore>(address, options, ct);
        try
        {
            return await LakeReport.ReadAsync(lake, ct);
        }
        finally
        {
            if (lake is IAsyncDisposable disposable)
            {
                await disposable.DisposeAsync();
            }
        }
    }

    private static void Write(LakeReport report)
    {
        if (report.Datasets.Count == 0)
        {
            AnsiConsole.WriteLine($"The lake {report.Lake} holds nothing yet.");
            return;
        }
        var table = new Table().Border(TableBorder.Rounded).Title(Markup.Escape($"lake {report.Lake}"));
        table.AddColumns("dataset", "manifests", "pending", "zone", "files", "rows", "bytes");
        table.Columns[0].NoWrap();
        foreach (var c in new[] { 4, 5, 6 })
        {
            table.Columns[c].RightAligned();
        }
        foreach (var dataset in report.Datasets)
        {
            var levels = string.Join(", ", dataset.ManifestsByLevel.Select(kv => string.Create(CultureInfo.InvariantCulture, $"L{kv.Key}: {kv.Value:N0}")));
            var first = true;
            foreach (var zone in dataset.Zones.DefaultIfEmpty(new LakeZoneReport("—", 0, 0, 0)))
            {
                table.AddRow(
                    first ? Markup.Escape(dataset.Dataset) : "",
                    first ? Markup.Escape(string.Create(CultureInfo.InvariantCulture, $"{dataset.Manifests:N0} ({levels})")) : "",
                    first ? dataset.Pending.ToString("N0", CultureInfo.InvariantCulture) : "",
                    Markup.Escape(zone.Zone),
                    zone.Files.ToString("N0", CultureInfo.InvariantCulture),
                    zone.Rows.ToString("N0", CultureInfo.InvariantCulture),
                    Bytes(zone.Bytes));
                first = false;
            }
        }
        AnsiConsole.Write(table);
    }

    private static string Bytes(long bytes) => bytes switch
    {
        < 1024 => string.Create(CultureInfo.InvariantCulture, $"{bytes} B"),
        < 1024 * 1024 => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1024.0:N1} KiB"),
        < 1024L * 1024 * 1024 => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1048576.0:N1} MiB"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1073741824.0:N2} GiB"),
    };
}
