using Emporium.Log;
using Emporium.Log.Kafka;
using Emporium.Tests.TestSupport;

namespace Emporium.Tests.Log.Kafka;

/// <summary>The log contract on Kafka: a fresh mock cluster per test, so fixed topic and group names never meet.</summary>
public sealed class KafkaEventLogContractTests : EventLogContract, IDisposable
{
    private readonly KafkaMockCluster _cluster = KafkaMockCluster.StartAsync().GetAwaiter().GetResult();

    protected override async Task<IEventLog> OpenAsync(TimeProvider? time = null) =>
        await KafkaEventLog.ConnectAsync(new KafkaLogOptions { BootstrapServers = _cluster.BootstrapServers }, time);

    protected override async Task CreateTopicAsync(IEventLog log, string topic, int partitions)
    {
        // The mock cluster has no CreateTopics request; EnsureTopicAsync then finds the topic in the metadata.
        _cluster.CreateTopic(topic, partitions);
        await base.CreateTopicAsync(log, topic, partitions);
    }

    public void Dispose() => _cluster.Dispose();
}
