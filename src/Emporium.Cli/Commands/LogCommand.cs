using System.CommandLine;
using System.Globalization;
using System.Text;
using Emporium.Configuration;
using Emporium.Datasets;
using Emporium.Log;
using Emporium.Log.Embedded;
using Emporium.Log.Kafka;

namespace Emporium.Cli.Commands;

/// <summary><c>emporium log stats|append</c>: inspect an embedded log directory or a Kafka log, or append to an embedded
/// one (NDJSON from stdin, or generated records for load and crash testing). An embedded log must not be open in a
/// running server (it is locked).</summary>
public sealed class LogCommand : ICliCommand
{
    public Command Build()
    {
        var command = new Command("log", "Inspect a durable log (embedded or Kafka), or append to an embedded one.");
        command.Subcommands.Add(BuildStats());
        command.Subcommands.Add(BuildAppend());
        return command;
    }

    private static Option<string> DirOption() => new("--dir") { Description = "Log directory.", Required = true };

    private static Command BuildStats()
    {
        var dir = new Option<string?>("--dir") { Description = "Embedded log directory (e.g. <data>/log; not while a server holds it)." };
        var kafka = new Option<string?>("--log") { Description = "A Kafka log instead of --dir: kafka://host:9092[,host2:9092][?property=value…]." };
        var groups = new Option<string[]>("--group")
        {
            Description = "Consumer groups whose lag is shown on Kafka (repeatable; default: stream, the processor's).",
            DefaultValueFactory = _ => ["stream"],
        };
        var command = new Command("stats", "Topics, partitions (start/end offsets; bytes and segments on the embedded log) and consumer group lag.");
        command.Options.Add(dir);
        command.Options.Add(kafka);
        command.Options.Add(groups);
        command.SetAction(async (parse, ct) =>
        {
            switch (parse.GetValue(dir), parse.GetValue(kafka))
            {
                case ({ } path, null):
                    return await EmbeddedStatsAsync(path, ct);
                case (null, { } address):
                    return await KafkaStatsAsync(address, parse.GetValue(groups) ?? [], ct);
                default:
                    await Console.Error.WriteLineAsync("emporium log stats: give either --dir (an embedded log directory) or --log (a kafka:// address).");
                    return 2;
            }
        });
        return command;
    }

    private static async Task<int> EmbeddedStatsAsync(string path, CancellationToken ct)
    {
        if (!Directory.Exists(Path.Combine(path, "topics")))
        {
            await Console.Error.WriteLineAsync($"'{path}' is not an embedded log directory (no topics/ folder).");
            return 2;
        }

        await using var log = await OpenEmbeddedAsync("stats", path, ct);
        if (log is null)
        {
            return 1;
        }
        foreach (var topic in log.Topics)
        {
            var ends = await log.GetEndOffsetsAsync(topic, ct);
            var starts = log.GetStartOffsets(topic);
            Console.WriteLine($"topic {topic}");
            foreach (var (partition, end) in ends.OrderBy(e => e.Key.Partition))
            {
                var segments = log.GetSegments(partition);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"  partition {partition.Partition}: offsets {starts[partition]}..{end}, {segments.Sum(s => s.Bytes)} bytes in {segments.Count} segment(s)"));
            }
            await WriteLagAsync(log, log.Groups, topic, ends, ct);
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"total {log.Stats.LogBytes} bytes; truncated on open {log.Stats.TruncatedBytes} bytes"));
        return 0;
    }

    /// <summary>The dataset topics of a Kafka log: Kafka keeps no per-topic list Emporium owns, and other topics on the
    /// cluster are not Emporium's business.</summary>
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
            foreach (var topic in DatasetCatalog.Streamed.Select(d => d.Name))
            {
                IReadOnlyDictionary<TopicPartition, long> ends, starts;
                try
                {
                    ends = await log.GetEndOffsetsAsync(topic, ct);
                    starts = await log.GetStartOffsetsAsync(topic, ct);
                }
                catch (KeyNotFoundException)
                {
                    // Topics are created when ingest or the processor first needs them.
                    Console.WriteLine($"topic {topic}: not created yet");
                    continue;
                }
                Console.WriteLine($"topic {topic}");
                foreach (var (partition, end) in ends.OrderBy(e => e.Key.Partition))
                {
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"  partition {partition.Partition}: offsets {starts.GetValueOrDefault(partition)}..{end}"));
                }
                await WriteLagAsync(log, groups, topic, ends, ct);
            }
        }
        return 0;
    }

    private static async Task WriteLagAsync(IEventLog log, IEnumerable<string> groups, string topic, IReadOnlyDictionary<TopicPartition, long> ends, CancellationToken ct)
    {
        foreach (var group in groups)
        {
            var processed = await log.GetGroupOffsetsAsync(group, topic, ct);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  group {group}: lag {ends.Sum(e => e.Value - processed.GetValueOrDefault(e.Key))}"));
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
        var command = new Command("append", "Append records durably; each is acknowledged only once fsync'd.");
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
            await Console.Error.WriteLineAsync($"emporium log {command}: {e.Message} A running server holds its data dir's log: stop it, or read /api/v1/datasets and /metrics from it.");
            return null;
        }
    }

    private static EmbeddedLogOptions Options(string directory) => new()
    {
        Directory = directory,
        Retention = new LogRetentionOptions { CheckInterval = null },
    };
}
