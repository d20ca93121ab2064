using System.CommandLine;
using Emporium.Batch.Formats;
using Emporium.Batch.Loading;
using Emporium.Cli.Commands.Client;
using Emporium.Cli.Hosting;
using Emporium.Datasets;
using Spectre.Console;

namespace Emporium.Cli.Commands;

/// <summary><c>emporium send FILE --dataset NAME [--format …] [--json-path P] [--url URL] [--batch N]</c>: the seeds'
/// file-to-API client. Reads the file as <c>emporium load</c> does (CSV/TSV/JSON/NDJSON/XLSX/Parquet, sniffed CSV
/// dialects) and posts NDJSON batches with retries and per-batch idempotency keys. Exit code 0 when every record was
/// accepted, 3 when some were rejected by the server or could not be read, 2 when the request or file is wrong.</summary>
public sealed class SendCommand : ICliCommand
{
    public Command Build()
    {
        var file = new Argument<FileInfo>("file") { Description = "CSV, TSV, JSON, NDJSON, XLSX or Parquet file" };
        var dataset = new Option<string>("--dataset") { Description = "Target dataset (products, categories, reviews, orders)", Required = true };
        var batch = new Option<int>("--batch") { Description = "Records per request", DefaultValueFactory = _ => 1000 };
        var format = CommonOptions.Format();
        var jsonPath = CommonOptions.JsonPath();
        var url = CommonOptions.Url(ServerLocator.DefaultUrl);
        var data = CommonOptions.Data();
        var apiKey = CommonOptions.ApiKey();
        var command = new Command("send", "Send a file's records to a running server's ingest API") { file, dataset, batch, format, jsonPath, url, data, apiKey };
        command.SetAction(async (parse, ct) =>
        {
            var path = parse.GetValue(file)!;
            if (!path.Exists)
            {
                await Console.Error.WriteLineAsync($"emporium send: file not found: {path.FullName}");
                return 2;
            }
            var size = parse.GetValue(batch);
            if (size <= 0)
            {
                await Console.Error.WriteLineAsync("emporium send: --batch must be positive");
                return 2;
            }
            if (DatasetCatalog.Find(parse.GetValue(dataset)!) is null)
            {
                // Said before the file is read or a server asked, as load and replay say it ("batch 0: 404" was the server's).
                await Console.Error.WriteLineAsync($"emporium send: unknown dataset '{parse.GetValue(dataset)}'; known: {string.Join(", ", DatasetCatalog.All.Select(d => d.Name))}");
                return 2;
            }
            var dataDir = parse.GetValue(data);
            var server = ServerLocator.Find(parse.GetValue(url), dataDir);
            if (server is null && (!string.IsNullOrWhiteSpace(dataDir) || !string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable(EmporiumConfiguration.EnvironmentPrefix + "DATADIR"))))
            {
                // A data dir was named (--data or EMPORIUM__DATADIR); the default URL may be the server of another
                // data dir, and the records would land there.
                var full = Path.GetFullPath(EmporiumConfiguration.ResolveDataDir(dataDir));
                await Console.Error.WriteLineAsync($"emporium send: no Emporium server owns the data dir {full}: start one with emporium up --data {full}, or name a server with --url");
                return 2;
            }
            server ??= ServerLocator.DefaultUrl;
            using var client = new EmporiumClient(server, ServerLocator.ApiKey(parse.GetValue(apiKey)));
            try
            {
                var settings = new ReadSettings(LoadSpec.ParseFormat(parse.GetValue(format)), parse.GetValue(jsonPath));
                using var reader = await SendFileReader.OpenAsync(path.FullName, settings, ct);
                var summary = await SendAsync(client.Http, reader, parse.GetValue(dataset)!, size, Console.Error, ct);
                Console.WriteLine($"{summary.Accepted} accepted, {summary.Rejected} rejected, {summary.Unreadable} unreadable in {summary.Batches} batch(es) to {server} ({parse.GetValue(dataset)})");
                if (summary.Replayed > 0)
                {
                    // Counted above as first answered: say so, or a resend reads as if the records had gone in twice.
                    Console.WriteLine($"  {(summary.Replayed == summary.Batches ? "every batch" : $"{summary.Replayed} of the batches")} had been sent before (same file, same --batch): answered from that send, nothing appended again");
                }
                if (summary.Reasons.Sum(r => r.Records) > summary.FirstErrors.Count)
                {
                    // More problems than the first records show: how many records had each, so a wrong file (every
                    // record missing the dataset's required fields) reads as such at a glance.
                    Console.WriteLine("  by field and reason:");
                    foreach (var (field, error, records) in summary.Reasons.Take(10))
                    {
                        Console.WriteLine($"    {records,9:N0} record(s)  {(field.Length > 0 ? field + ": " : "")}{error}");
                    }
                    Console.WriteLine("  first ones:");
                }
                foreach (var (record, field, error) in summary.FirstErrors)
                {
                    Console.WriteLine($"  record {record}: {(field.Length > 0 ? field + ": " : "")}{error}");
                }
                if (summary.Rejected > 0)
                {
                    Console.WriteLine($"  rejected records are kept in the dead letters: {server}/api/v1/deadletters?dataset={parse.GetValue(dataset)}");
                }
                return summary.Rejected + summary.Unreadable > 0 ? 3 : 0;
            }
            catch (FileReadException e)
            {
                await Console.Error.WriteLineAsync($"emporium send: cannot read {path.FullName}: {e.Message}");
                return 2;
            }
            catch (LoadSpecException e)
            {
                await Console.Error.WriteLineAsync($"emporium send: {e.Message}");
                return 2;
            }
            catch (Exception e) when (e is ApiException or HttpRequestException or System.Text.Json.JsonException or IOException)
            {
                await Console.Error.WriteLineAsync($"emporium send: {e.Message}");
                return 2;
            }
        });
        return command;
    }

    /// <summary>Totals of one send; <see cref="FirstErrors"/> holds up to 20 (1-based record number in the file, field,
    /// reason), <see cref="Reasons"/> every distinct field and reason with how many records had it, most first.
    /// <see cref="Unreadable"/> rows never reached the server (a ragged CSV row, a broken JSON line).</summary>
    public sealed record Summary(long Accepted, long Rejected, int Batches, IReadOnlyList<(long Record, string Field, string Error)> FirstErrors, long Unreadable = 0, int Replayed = 0)
    {
        public IReadOnlyList<(string Field, string Error, long Records)> Reasons { get; init; } = [];
    }

    public static async Task<Summary> SendAsync(HttpClient http, SendFileReader file, string dataset, int batchSize, TextWriter status, CancellationToken ct)
    {
        var sender = new BatchSender(http, dataset, $"send-{dataset}-{file.Identity[..32]}-{batchSize}");
        long accepted = 0, rejected = 0, unreadable = 0;
        int batches = 0, replayed = 0;
        var errors = new List<(long, string, string)>();
        var reasons = new Dictionary<(string, string), long>();
        // reason: what the tally counts, when the message also says where (an unreadable row's line).
        void Error(long record, string field, string error, string? reason = null)
        {
            var key = (field, reason ?? error);
            reasons[key] = reasons.GetValueOrDefault(key) + 1;
            if (errors.Count < 20)
            {
                errors.Add((record, field, error));
            }
        }
        async Task Run(Action progress)
        {
            var batch = new List<byte[]>(batchSize);
            var records = new List<long>(batchSize);
            async Task Flush()
            {
                var outcome = await sender.SendAsync(batches, batch, ct);
                accepted += outcome.Accepted;
                rejected += outcome.Rejected;
                replayed += outcome.Replayed ? 1 : 0;
                foreach (var (index, field, error) in outcome.Errors)
                {
                    Error(records[index], field, error);
                }
                batches++;
                progress();
                batch.Clear();
                records.Clear();
            }
            try
            {
                await foreach (var row in file.ReadAsync(ct))
                {
                    if (row.Json is null)
                    {
                        unreadable++;
                        Error(row.Position.Record, row.Column ?? "", $"unreadable (line {row.Position.Line}): {row.Error}", $"unreadable: {row.Error}");
                        continue;
                    }
                    batch.Add(row.Json);
                    records.Add(row.Position.Record);
                    if (batch.Count == batchSize)
                    {
                        await Flush();
                    }
                }
            }
            catch (FileReadException e)
            {
                // The rows read before the point the file breaks are good: send them, then say where it stopped.
                if (batch.Count > 0)
                {
                    await Flush();
                }
                throw new FileReadException($"{e.Message} ({accepted} records before it were accepted)", e);
            }
            if (batch.Count > 0)
            {
                await Flush();
            }
        }
        if (AnsiConsole.Profile.Capabilities.Interactive && !Console.IsErrorRedirected)
        {
            await AnsiConsole.Progress().AutoClear(true).StartAsync(async context =>
            {
                var task = context.AddTask($"sending {Path.GetFileName(file.Path)} → {dataset}", maxValue: Math.Max(1, file.Size));
                await Run(() => task.Value = Math.Min(file.BytesRead, file.Size));
            });
        }
        else
        {
            await Run(() => { });
        }
        foreach (var warning in file.Warnings)
        {
            await status.WriteLineAsync($"warning: {warning}");
        }
        return new Summary(accepted, rejected, batches, errors, unreadable, replayed)
        {
            Reasons = reasons.OrderByDescending(r => r.Value).ThenBy(r => r.Key.Item1, StringComparer.Ordinal).Select(r => (r.Key.Item1, r.Key.Item2, r.Value)).ToList(),
        };
    }
}
