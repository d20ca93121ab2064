using System.CommandLine;
using System.Globalization;
using System.Text;
using Emporium.Cli.Commands.Client;
using Emporium.Cli.Hosting;
using Emporium.Configuration;
using Emporium.Log;
using Emporium.Log.Embedded;
using Emporium.Log.Kafka;

namespace Emporium.Cli.Commands;

/// <summary><c>emporium log stats|append</c>: inspect an embedded log directory or a Kafka log, or append to an embedded
/// one (NDJSON from stdin, or generated records for load and crash testing). Stats of a data dir's log go through the
/// server that holds it; <c>--dir</c> and <c>append</c> need a log no running server holds (it is locked).</summary>
public sealed class LogCommand : ICliCommand
{
    public Command Build()
    {
        var command = new Command("log", "Inspect a durable log (embedded or Kafka), or append to an embedded one");
        command.Subcommands.Add(BuildStats());
        command.Subcommands.Add(BuildAppend());
        return command;
    }

    private static Option<string> DirOption() => new("--dir") { Description = "Log directory.", Required = true };

    private static Command BuildStats()
    {
        var dir = new Option<string?>("--dir") { Description = "An embedded log directory instead of the data dir's log (not while a server holds it)." };
        var kafka = new Option<string?>("--log") { Description = "A Kafka log instead of the data dir's: kafka://host:9092[,host2:9092][?property=value…]." };
        var groups = new Option<string[]>("--group")
        {
            Description = "Consumer groups whose lag is shown on Kafka (repeatable; stream is the processor's).",
            DefaultValueFactory = _ => [new Emporium.Ingest.IngestOptions().ProcessorGroup],
        };
        var data = CommonOptions.Data();
        var url = CommonOptions.Url();
        var apiKey = CommonOptions.ApiKey();
        var command = new Command("stats", "Topics, partitions (start/end offsets; bytes and segments on the embedded log) and consumer group lag: of the data dir's log (through its server when one runs), or of --dir or --log")
        {
            dir, kafka, groups, data, url, apiKey,
        };
        command.SetAction(async (parse, ct) =>
        {
            var kafkaGroups = parse.GetValue(groups) ?? [];
            switch (parse.GetValue(dir), parse.GetValue(kafka))
            {
                case ({ } path, null):
                    return await EmbeddedStatsAsync(path, ct);
                case (null, { } address):
                    return await KafkaStatsAsync(address, kafkaGroups, ct);
                case (null, null):
                    return await DataDirStatsAsync(parse.GetValue(data), parse.GetValue(url), parse.GetValue(apiKey), kafkaGroups, ct);
                default:
                    await Console.Error.WriteLineAsync("emporium log stats: give --dir (an embedded log directory) or --log (a kafka:// address), not both.");
                    return 2;
            }
        });
        return command;
    }

    /// <summary>The log the data dir's settings name: through the server that owns the data dir when one runs (it
    /// holds the embedded log), else opened here.</summary>
    private static async Task<int> DataDirStatsAsync(string? dataFlag, string? url, string? apiKey, IReadOnlyCollection<string> groups, CancellationToken ct)
    {
        if (ServerLocator.Find(url, dataFlag) is { } server)
        {
            using var client = new EmporiumClient(server, ServerLocator.ApiKey(apiKey));
            try
            {
                var query = string.Join("&", groups.Select(g => $"group={Uri.EscapeDataString(g)}"));
                Write(await client.GetAsync<LogReport>($"api/v1/log{(query.Length > 0 ? "?" + query : "")}", ct));
                return 0;
            }
            catch (Exception e) when (e is ApiException or HttpRequestException)
            {
                // As lake stats, query and replay: a server that cannot be reached or refuses is 2 (1 is a Kafka log
                // that does not answer).
                await Console.Error.WriteLineAsync($"emporium log stats: {server}: {e.Message}");
                return 2;
            }
        }
        var dataDir = EmporiumConfiguration.ResolveDataDir(dataFlag);
        var options = EmporiumConfiguration.Load(dataDir);
        try
        {
            // A scheme no backend serves has no folder either: "no log yet" would send the user to start a server
            // that refuses the same address.
            BackendRegistry.EnsureServed(options, BackendKind.Log);
        }
        catch (BackendUnavailableException e)
        {
            await Console.Error.WriteLineAsync($"emporium log stats: {e.Message}");
            return 2;
        }
        var address = BackendAddresses.ForLog(options);
        if (address.Scheme == "kafka")
        {
            return await KafkaStatsAsync(address.Value, groups, ct);
        }
        // An embedded address may carry retention parameters after '?'; they are not part of the folder.
        var path = address.Path?.Split('?', 2)[0];
        if (path is null || !Directory.Exists(path))
        {
            await Console.Error.WriteLineAsync($"emporium log stats: no log in {dataDir} yet ({address}): emporium up creates it; or give --dir or --log.");
            return 2;
        }
        return await EmbeddedStatsAsync(path, ct);
    }

    private static async Task<int> EmbeddedStatsAsync(string path, CancellationToken ct)
    {
        if (!Directory.Exists(Path.Combine(path, "topics")))
        {
            await Console.Error.WriteLineAsync($"emporium log stats: '{path}' is not an embedded log directory (no topics/ folder).");
            return 2;
        }

        await using var log = await OpenEmbeddedAsync("stats", path, ct);
        if (log is null)
        {
            return 1;
        }
        Write(await LogReport.ReadAsync(log, [], ct));
        return 0;
    }

    private static async Task<int> KafkaStatsAsync(string address, IReadOnlyCollection<string> groups, CancellationToken ct)
    {
        KafkaEventLog log;
        try
        {
            // Through the backend factory, which names what is wrong with the address or the cluster as `up` does.
            log = (KafkaEventLog)await new KafkaEventLogFactory().CreateAsync(
                new BackendAddress(BackendKind.Log, "kafka", address, null), new EmporiumOptions(), ct);
        }
        catch (BackendConfigurationException e)
        {
            await Console.Error.WriteLineAsync($"emporium log stats: {e.Message}");
            return 1;
        }
        await using (log)
        {
            Write(await LogReport.ReadAsync(log, groups, ct));
        }
        return 0;
    }

    private static void Write(LogReport report)
    {
        foreach (var topic in report.Topics)
        {
            if (!topic.Created)
            {
                Console.WriteLine($"topic {topic.Topic}: not created yet");
                continue;
            }
            Console.WriteLine($"topic {topic.Topic}");
            foreach (var p in topic.Partitions)
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"  partition {p.Partition}: offsets {p.Start}..{p.End}{(p.Bytes is { } bytes ? $", {bytes} bytes in {p.Segments} segment(s)" : "")}"));
            }
            foreach (var g in topic.Groups)
            {
                // The ingest's own group has a generated name; say what it is, or it reads like a stray consumer.
                var role = g.Group.StartsWith(Emporium.Ingest.IdempotencyStore.GroupPrefix, StringComparison.Ordinal)
                    ? " (ingest's Idempotency-Key checkpoint)"
                    : "";
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  group {g.Group}: lag {g.Lag}{role}"));
            }
        }
        if (report.Bytes is { } total)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"total {total} bytes; truncated on open {report.TruncatedOnOpenBytes ?? 0} bytes"));
        }
    }

    private static Command BuildAppend()
    {
        var dir = DirOption();
        var topic = new Option<string>("--topic") { Description = "Topic to append to.", Required = true };
        var partitions = new Option<int>("--partitions") { Description = "Partitions when the topic is created.", DefaultValueFactory = _ => 4 };
        var generate = new Option<int?>("--generate") { Description = "Append N generated records instead of reading NDJSON lines from stdin." };
        var concurrency = new Option<int>("--concurrency") { Description = "Concurrent appenders for --generate.", DefaultValueFactory = _ => 8 };
        var batch = new Option<int>("--batch") { Description = "Lines per append when reading stdin.", DefaultValueFactory = _ => 500 };
        var acks = new Option<bool>("--print-acks") { Description = "Print 'value<TAB>partition<TAB>offset' for every acknowledged record." };
        var command = new Command("append", "Append records durably; each is acknowledged only once fsync'd");
        foreach (var option in new Option[] { dir, topic, partitions, generate, concurrency, batch, acks })
        {
            command.Options.Add(option);
        }

        command.SetAction(async (parse, ct) =>
        {
            await using var log = await OpenEmbeddedAsync("append", parse.GetValue(dir)!, ct);
            if (log is null)
            {
                return 1;
            }
            var name = parse.GetValue(topic)!;
            await log.EnsureTopicAsync(name, parse.GetValue(partitions), ct);
            var printAcks = parse.GetValue(acks);
            var output = new Lock();
            long appended = 0;

            async Task AppendAsync(IReadOnlyList<LogMessage> messages)
            {
                var positions = await log.AppendAsync(name, messages, ct);
                Interlocked.Add(ref appended, messages.Count);
                if (!printAcks)
                {
                    return;
                }

                var sb = new StringBuilder();
                for (var i = 0; i < messages.Count; i++)
                {
                    sb.Append(Encoding.UTF8.GetString(messages[i].Value.Span)).Append('\t')
                        .Append(positions[i].Partition.Partition.ToString(CultureInfo.InvariantCulture)).Append('\t')
                        .Append(positions[i].Offset.ToString(CultureInfo.InvariantCulture)).Append('\n');
                }

                lock (output)
                {
                    Console.Out.Write(sb);
                    Console.Out.Flush();
                }
            }

            if (parse.GetValue(generate) is { } count)
            {
                var run = Guid.NewGuid().ToString("N")[..8];
                var next = -1;
                await Task.WhenAll(Enumerable.Range(0, Math.Max(1, parse.GetValue(concurrency))).Select(_ => Task.Run(async () =>
                {
                    for (var i = Interlocked.Increment(ref next); i < count; i = Interlocked.Increment(ref next))
                    {
                        await AppendAsync([new LogMessage($"k{i % 97}", Encoding.UTF8.GetBytes($"{run}-{i}"))]);
                    }
                }, ct)));
            }
            else
            {
                var size = Math.Max(1, parse.GetValue(batch));
                var pending = new List<LogMessage>(size);
                while (await Console.In.ReadLineAsync(ct) is { } line)
                {
                    if (line.Length == 0)
                    {
                        continue;
                    }

                    pending.Add(new LogMessage(null, Encoding.UTF8.GetBytes(line)));
                    if (pending.Count >= size)
                    {
                        await AppendAsync(pending.ToArray());
                        pending.Clear();
                    }
                }

                if (pending.Count > 0)
                {
                    await AppendAsync(pending.ToArray());
                }
            }

            await Console.Error.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"appended {appended} records to {name} in {log.Stats.Fsyncs} fsyncs"));
            return 0;
        });
        return command;
    }

    /// <summary>The log, or null (with the reason on stderr) when a running server holds it.</summary>
    private static async Task<EmbeddedEventLog?> OpenEmbeddedAsync(string command, string directory, CancellationToken ct)
    {
        try
        {
            return await EmbeddedEventLog.OpenAsync(Options(directory), ct: ct);
        }
        catch (IOException e) when (e.InnerException is IOException)
        {
            await Console.Error.WriteLineAsync($"emporium log {command}: {e.Message} A running server holds its data dir's log: stop it, or ask it with emporium log stats --data <its data dir>.");
            return null;
        }
    }

    private static EmbeddedLogOptions Options(string directory) => new()
    {
        Directory = directory,
        Retention = new LogRetentionOptions { CheckInterval = null },
    };
}
