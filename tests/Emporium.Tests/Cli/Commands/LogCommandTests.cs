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
    public async Task Stats_of_a_data_dir_go_through_its_running_server_and_show_the_processor_catching_up()
    {
        await using var server = await Emporium.Tests.Web.Dashboard.EmporiumProcess.StartAsync();
        using var http = new HttpClient { BaseAddress = server.BaseAddress };
        var lines = string.Join('\n', Enumerable.Range(0, 30).Select(i =>
            $$"""{"invoice_no":"L{{i}}","stock_code":"S{{i % 7}}","description":"item","quantity":1,"invoice_date":"2024-01-02 10:00:00","unit_price":2.5,"customer_id":{{17850 + i}},"country":"France"}"""));
        using (var sent = await http.PostAsync("api/v1/ingest/orders", new StringContent(lines, System.Text.Encoding.UTF8, "application/x-ndjson")))
        {
            Assert.Equal(System.Net.HttpStatusCode.Accepted, sent.StatusCode);
        }

        var (code, text) = (0, "");
        var deadline = DateTime.UtcNow.AddSeconds(30);
        do
        {
            (code, text) = await BatchCli.RunAsync("log", "stats", "--data", server.Data.Path);
            Assert.True(code == 0, text);
        }
        while (!text.Contains("group stream: lag 0", StringComparison.Ordinal) && DateTime.UtcNow < deadline);

        var orders = text[text.IndexOf("topic orders", StringComparison.Ordinal)..];
        Assert.Equal(30, Partitions(orders).Values.Sum(p => p.End - p.Start));
        Assert.Matches(@"partition \d+: offsets \d+\.\.\d+, \d+ bytes in \d+ segment\(s\)", orders);
        Assert.Contains("group stream: lag 0", orders, StringComparison.Ordinal);
        Assert.Matches(@"group _idempotency-[0-9a-f]{32}: lag \d+ \(ingest's Idempotency-Key checkpoint\)", orders);
        Assert.Matches(@"total \d+ bytes; truncated on open 0 bytes", text);
    }

    [Fact]
    public async Task Stats_of_a_data_dir_no_server_holds_open_its_log_and_an_empty_one_says_there_is_none()
    {
        using var dir = new TempDir("log-stats-data");
        var (code, text) = await BatchCli.RunAsync("log", "stats", "--data", dir.Path);
        Assert.Equal(2, code);
        Assert.Contains($"no log in {dir.Path} yet", text, StringComparison.Ordinal);

        (code, text) = await BatchCli.RunAsync("log", "append", "--dir", dir.Combine("log"), "--topic", "orders", "--partitions", "2", "--generate", "40");
        Assert.True(code == 0, text);
        (code, text) = await BatchCli.RunAsync("log", "stats", "--data", dir.Path);

        Assert.True(code == 0, text);
        Assert.Equal(40, Partitions(text).Values.Sum(p => p.End - p.Start));
    }

    [Fact]
    public async Task Stats_need_one_log_and_name_an_unreachable_one()
    {
        var (code, text) = await BatchCli.RunAsync("log", "stats", "--dir", "somewhere", "--log", "kafka://127.0.0.1:1");
        Assert.Equal(2, code);
        Assert.Contains("not both", text, StringComparison.Ordinal);

        (code, text) = await BatchCli.RunAsync("log", "stats", "--log", "kafka://127.0.0.1:1?socket.connection.setup.timeout.ms=1000");
        Assert.Equal(1, code);
        Assert.Contains("cannot use Kafka at 'kafka://127.0.0.1:1", text, StringComparison.Ordinal);

        (code, text) = await BatchCli.RunAsync("log", "stats", "--log", "redpanda://somewhere");
        Assert.Equal(1, code);
        Assert.Contains("kafka://", text, StringComparison.Ordinal);

        // A server that cannot be reached is exit 2, as for lake stats, query, marts and replay (it was 1, the code of
        // a Kafka log that does not answer).
        var url = $"http://127.0.0.1:{Emporium.Testing.FreePort.Next()}";
        (code, text) = await BatchCli.RunAsync("log", "stats", "--url", url);
        Assert.True(code == 2, text);
        Assert.Contains($"emporium log stats: {url}", text, StringComparison.Ordinal);

        using var empty = new TempDir("notalog");
        (code, text) = await BatchCli.RunAsync("log", "stats", "--dir", empty.Path);
        Assert.Equal(2, code);
        Assert.Contains($"emporium log stats: '{empty.Path}' is not an embedded log directory (no topics/ folder).", text, StringComparison.Ordinal);
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
