using System.Globalization;
using System.Text.RegularExpressions;
using Emporium.Log;
using Emporium.Log.Kafka;
using Emporium.Tests.Batch;
using Emporium.Tests.TestSupport;

namespace Emporium.Tests.Cli.Commands;

/// <summary><c>emporium log stats</c> on both log backends, through the real CLI: offsets per partition and a group's
/// lag as the log itself reports them.</summary>
public sealed partial class LogCommandTests
{
    [Fact]
    public async Task Stats_of_an_embedded_log_count_what_append_wrote()
    {
        using var dir = new TempDir("log-stats");
        var (code, text) = await BatchCli.RunAsync("log", "append", "--dir", dir.Path, "--topic", "orders", "--partitions", "3", "--generate", "250");
        Assert.True(code == 0, text);

        (code, text) = await BatchCli.RunAsync("log", "stats", "--dir", dir.Path);

        Assert.True(code == 0, text);
        var partitions = Partitions(text);
        Assert.Equal([0, 1, 2], partitions.Keys.Order());
        Assert.Equal(250, partitions.Values.Sum(p => p.End - p.Start));
    }

    [Fact]
    public async Task Stats_of_a_kafka_log_show_the_dataset_topics_offsets_and_the_processors_lag()
    {
        using var kafka = await KafkaMockCluster.StartAsync();
        kafka.CreateTopic("orders", 2);
        await using var log = await KafkaEventLog.ConnectAsync(new KafkaLogOptions { BootstrapServers = kafka.BootstrapServers });
        for (var call = 0; call < 3; call++)
        {
            await log.AppendAsync("orders", Enumerable.Range(0, 10 + call).Select(i => new LogMessage(null, "{}"u8.ToArray())).ToList(), CancellationToken.None);
        }
        var ends = await log.GetEndOffsetsAsync("orders", CancellationToken.None);
        var p0 = new TopicPartition("orders", 0);
        // The processor's group has processed 4 entries of partition 0 (a member commits only what it owns).
        await using (var consumer = log.OpenConsumer("stream", ["orders"]))
        {
            var deadline = DateTime.UtcNow.AddSeconds(60);
            while (!consumer.Assignment.Contains(p0))
            {
                Assert.True(DateTime.UtcNow < deadline, "the consumer never got partition 0");
                await consumer.FetchAsync(new Dictionary<TopicPartition, long>(), 10, TimeSpan.FromMilliseconds(200), CancellationToken.None);
            }
            await consumer.ReportProcessedAsync(new Dictionary<TopicPartition, long> { [p0] = 4 }, CancellationToken.None);
        }

        var (code, text) = await BatchCli.RunAsync("log", "stats", "--log", kafka.Address, "--group", "stream", "--group", "nobody");

        Assert.True(code == 0, text);
        var orders = text[text.IndexOf("topic orders", StringComparison.Ordinal)..];
        var partitions = Partitions(orders);
        Assert.Equal(ends.ToDictionary(e => e.Key.Partition, e => (0L, e.Value)), partitions);
        Assert.Contains(string.Create(CultureInfo.InvariantCulture, $"group stream: lag {ends.Values.Sum() - 4}"), orders, StringComparison.Ordinal);
        Assert.Contains(string.Create(CultureInfo.InvariantCulture, $"group nobody: lag {ends.Values.Sum()}"), orders, StringComparison.Ordinal);
        Assert.Contains("topic dead_letters: not created yet", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Stats_need_one_log_and_name_an_unreachable_one()
    {
        var (code, text) = await BatchCli.RunAsync("log", "stats");
        Assert.Equal(2, code);
        Assert.Contains("either --dir", text, StringComparison.Ordinal);

        (code, text) = await BatchCli.RunAsync("log", "stats", "--log", "kafka://127.0.0.1:1?socket.connection.setup.timeout.ms=1000");
        Assert.Equal(1, code);
        Assert.Contains("cannot use Kafka at 'kafka://127.0.0.1:1", text, StringComparison.Ordinal);

        (code, text) = await BatchCli.RunAsync("log", "stats", "--log", "redpanda://somewhere");
        Assert.Equal(1, code);
        Assert.Contains("kafka://", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_log_a_running_process_holds_is_refused_with_a_message_not_a_stack_trace()
    {
        using var dir = new TempDir("log-held");
        await using var held = await Emporium.Log.Embedded.EmbeddedEventLog.OpenAsync(new Emporium.Log.Embedded.EmbeddedLogOptions { Directory = dir.Path });

        foreach (var args in new[] { new[] { "log", "stats", "--dir", dir.Path }, ["log", "append", "--dir", dir.Path, "--topic", "orders", "--generate", "1"] })
        {
            var (code, text) = await BatchCli.RunAsync(args);
            Assert.Equal(1, code);
            Assert.Contains("is in use by another process", text, StringComparison.Ordinal);
            Assert.DoesNotContain("   at ", text, StringComparison.Ordinal);
        }
    }

    /// <summary>The first topic's "partition N: offsets A..B" lines.</summary>
    private static Dictionary<int, (long Start, long End)> Partitions(string text)
    {
        var result = new Dictionary<int, (long, long)>();
        foreach (Match m in PartitionLine().Matches(text))
        {
            var partition = int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
            if (!result.TryAdd(partition, (long.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture), long.Parse(m.Groups[3].Value, CultureInfo.InvariantCulture))))
            {
                break;
            }
        }
        return result;
    }

    [GeneratedRegex(@"partition (\d+): offsets (\d+)\.\.(\d+)")]
    private static partial Regex PartitionLine();
}
