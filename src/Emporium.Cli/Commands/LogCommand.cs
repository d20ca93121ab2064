using System.CommandLine;
using System.Globalization;
using System.Text;
using Emporium.Log;
using Emporium.Log.Embedded;

namespace Emporium.Cli.Commands;

/// <summary><c>emporium log stats|append</c>: inspect an embedded log directory, or append to it (NDJSON from stdin,
/// or generated records for load and crash testing). The log must not be open in a running server (it is locked).</summary>
public sealed class LogCommand : ICliCommand
{
    public Command Build()
    {
        var command = new Command("log", "Inspect or append to an embedded durable log directory.");
        command.Subcommands.Add(BuildStats());
        command.Subcommands.Add(BuildAppend());
        return command;
    }

    private static Option<string> DirOption() => new("--dir") { Description = "Log directory.", Required = true };

    private static Command BuildStats()
    {
        var dir = DirOption();
        var command = new Command("stats", "Topics, partitions (start/end offsets, bytes, segments) and consumer group lag.");
        command.Options.Add(dir);
        command.SetAction(async (parse, ct) =>
        {
            var path = parse.GetValue(dir)!;
            if (!Directory.Exists(Path.Combine(path, "topics")))
            {
                await Console.Error.WriteLineAsync($"'{path}' is not an embedded log directory (no topics/ folder).");
                return 2;
            }

            await using var log = await EmbeddedEventLog.OpenAsync(Options(path), ct: ct);
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

                foreach (var group in log.Groups)
                {
                    var processed = await log.GetGroupOffsetsAsync(group, topic, ct);
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"  group {group}: lag {ends.Sum(e => e.Value - processed[e.Key])}"));
                }
            }

            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"total {log.Stats.LogBytes} bytes; truncated on open {log.Stats.TruncatedBytes} bytes"));
            return 0;
        });
        return command;
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
            await using var log = await EmbeddedEventLog.OpenAsync(Options(parse.GetValue(dir)!), ct: ct);
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

    private static EmbeddedLogOptions Options(string directory) => new()
    {
        Directory = directory,
        Retention = new LogRetentionOptions { CheckInterval = null },
    };
}
