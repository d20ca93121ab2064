using System.Text;
using Emporium.Log;
using Emporium.Log.Kafka;
using Emporium.Tests.TestSupport;
using Xunit.Abstractions;

namespace Emporium.Tests.Log.Kafka;

public sealed class KafkaSmokeTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Smoke()
    {
        using var cluster = await KafkaMockCluster.StartAsync();
        output.WriteLine(cluster.BootstrapServers);
        await using var log = await KafkaEventLog.ConnectAsync(new KafkaLogOptions { BootstrapServers = cluster.BootstrapServers }, null, new OutLogger(output));
        cluster.CreateTopic("t", 3);
        await log.EnsureTopicAsync("t", 3, CancellationToken.None);
        var pos = await log.AppendAsync("t", Enumerable.Range(0, 10).Select(i => new LogMessage($"k{i}", Encoding.UTF8.GetBytes($"v{i}"))).ToList(), CancellationToken.None);
        output.WriteLine(string.Join(" ", pos));
        var ends = await log.GetEndOffsetsAsync("t", CancellationToken.None);
        output.WriteLine(string.Join(" ", ends));
        await using var consumer = log.OpenConsumer("g", ["t"]);
        var positions = new Dictionary<TopicPartition, long>();
        var all = new List<LogEntry>();
        for (var i = 0; i < 40 && all.Count < 10; i++)
        {
            var batch = await consumer.FetchAsync(positions, 100, TimeSpan.FromMilliseconds(200), CancellationToken.None);
            foreach (var e in batch) { positions[e.Position] = e.Offset + 1; all.Add(e); }
            output.WriteLine($"{i}: {batch.Count} assigned {string.Join(",", consumer.Assignment)}");
        }
        await consumer.ReportProcessedAsync(positions, CancellationToken.None);
        output.WriteLine(string.Join(" ", await log.GetGroupOffsetsAsync("g", "t", CancellationToken.None)));
        Assert.Equal(10, all.Count);
    }
}

file sealed class OutLogger(ITestOutputHelper output) : Microsoft.Extensions.Logging.ILogger
{
    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
    public bool IsEnabled(Microsoft.Extensions.Logging.LogLevel logLevel) => true;
    public void Log<TState>(Microsoft.Extensions.Logging.LogLevel logLevel, Microsoft.Extensions.Logging.EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        try { output.WriteLine(formatter(state, exception)); } catch (InvalidOperationException) { }
    }
}
