using System.CommandLine;
using System.Security.Cryptography;
using Emporium.Cli.Commands.Client;
using Spectre.Console;

namespace Emporium.Cli.Commands;

/// <summary><c>emporium send FILE --dataset NAME [--url URL] [--batch N]</c>: the seeds' file-to-API client. Reads
/// CSV/TSV/JSON/NDJSON and posts NDJSON batches with retries and per-batch idempotency keys.</summary>
public sealed class SendCommand : ICliCommand
{
    public Command Build()
    {
        var file = new Argument<FileInfo>("file") { Description = "CSV, TSV, JSON (array or object) or NDJSON file" };
        var dataset = new Option<string>("--dataset") { Description = "Target dataset (products, categories, reviews, orders)", Required = true };
        var batch = new Option<int>("--batch") { Description = "Records per request (default 1000)", DefaultValueFactory = _ => 1000 };
        var format = new Option<string?>("--format") { Description = "csv, tsv, json or ndjson (default: from extension and content)" };
        format.AcceptOnlyFromAmong("csv", "tsv", "json", "ndjson");
        var url = CommonOptions.Url();
        var data = CommonOptions.Data();
        var apiKey = CommonOptions.ApiKey();
        var command = new Command("send", "Send a file's records to a running server's ingest API") { file, dataset, batch, format, url, data, apiKey };
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
            var server = ServerLocator.Find(parse.GetValue(url), parse.GetValue(data)) ?? ServerLocator.DefaultUrl;
            var kind = parse.GetValue(format) is { } f ? Enum.Parse<SendFileReader.Format>(f, ignoreCase: true) : SendFileReader.Detect(path.FullName);
            using var client = new EmporiumClient(server, ServerLocator.ApiKey(parse.GetValue(apiKey)));
            try
            {
                var summary = await SendAsync(client.Http, path.FullName, kind, parse.GetValue(dataset)!, size, Console.Error, ct);
                Console.WriteLine($"{summary.Accepted} accepted, {summary.Rejected} rejected in {summary.Batches} batch(es) to {server} ({parse.GetValue(dataset)})");
                foreach (var (record, field, error) in summary.FirstErrors)
                {
                    Console.WriteLine($"  record {record}: {(field.Length > 0 ? field + ": " : "")}{error}");
                }
                if (summary.Rejected > 0)
                {
                    Console.WriteLine($"  rejected records are kept in the dead letters: {server}/api/v1/deadletters?dataset={parse.GetValue(dataset)}");
                }
                return summary.Rejected > 0 ? 3 : 0;
            }
            catch (Exception e) when (e is ApiException or HttpRequestException or System.Text.Json.JsonException or IOException)
            {
                await Console.Error.WriteLineAsync($"emporium send: {e.Message}");
                return 2;
            }
        });
        return command;
    }

    /// <summary>Totals of one send; <see cref="FirstErrors"/> holds up to 20 (1-based record number, field, reason).</summary>
    public sealed record Summary(long Accepted, long Rejected, int Batches, IReadOnlyList<(long Record, string Field, string Error)> FirstErrors);

    public static async Task<Summary> SendAsync(HttpClient http, string path, SendFileReader.Format format, string dataset, int batchSize, TextWriter status, CancellationToken ct)
    {
        string hash;
        await using (var stream = File.OpenRead(path))
        {
            hash = Convert.ToHexStringLower(await SHA256.HashDataAsync(stream, ct))[..32];
        }
        var sender = new BatchSender(http, dataset, $"send-{dataset}-{hash}-{batchSize}");
        long accepted = 0, rejected = 0, sent = 0;
        var batches = 0;
        var errors = new List<(long, string, string)>();
        async Task Run(Action<long> progress)
        {
            var batch = new List<byte[]>(batchSize);
            async Task Flush()
            {
                var outcome = await sender.SendAsync(batches, batch, ct);
                accepted += outcome.Accepted;
                rejected += outcome.Rejected;
                foreach (var (index, field, error) in outcome.Errors)
                {
                    if (errors.Count < 20)
                    {
                        errors.Add(((long)batches * batchSize + index + 1, field, error));
                    }
                }
                batches++;
                sent += batch.Count;
                progress(sent);
                batch.Clear();
            }
            await foreach (var record in SendFileReader.ReadAsync(path, format, ct))
            {
                batch.Add(record);
                if (batch.Count == batchSize)
                {
                    await Flush();
                }
            }
            if (batch.Count > 0)
            {
                await Flush();
            }
        }
        if (AnsiConsole.Profile.Capabilities.Interactive && !Console.IsErrorRedirected)
        {
            var estimate = Math.Max(1, File.ReadLines(path).LongCount() - (format is SendFileReader.Format.Csv or SendFileReader.Format.Tsv ? 1 : 0));
            await AnsiConsole.Progress().AutoClear(true).StartAsync(async context =>
            {
                var task = context.AddTask($"sending {Path.GetFileName(path)} → {dataset}", maxValue: estimate);
                await Run(n => task.Value = Math.Min(n, estimate));
            });
        }
        else
        {
            await Run(_ => { });
        }
        return new Summary(accepted, rejected, batches, errors);
    }
}
