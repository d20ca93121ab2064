using Confluent.Kafka;
using Emporium.Log;
using Emporium.Log.Kafka;

namespace Emporium.Tests.Log.Kafka;

public sealed class KafkaDeliveryTests
{
    private static DeliveryReport<string?, byte[]> Report(int partition, long offset, PersistenceStatus status, ErrorCode error = ErrorCode.NoError) => new()
    {
        TopicPartitionOffset = new Confluent.Kafka.TopicPartitionOffset("orders", partition, offset),
        Status = status,
        Error = new Error(error),
    };

    [Fact]
    public async Task Every_message_persisted_gives_their_positions_in_order()
    {
        var delivery = new KafkaDelivery("orders", 3);
        delivery.Report(2, Report(1, 7, PersistenceStatus.Persisted));
        delivery.Report(0, Report(0, 4, PersistenceStatus.Persisted));
        delivery.Report(1, Report(1, 6, PersistenceStatus.Persisted));

        var positions = await delivery.Task;

        Assert.Equal([(0, 4L), (1, 6L), (1, 7L)], positions.Select(p => (p.Partition.Partition, p.Offset)));
    }

    [Fact]
    public async Task A_failed_message_beside_persisted_ones_names_only_those_persisted()
    {
        var delivery = new KafkaDelivery("orders", 4);
        delivery.Report(0, Report(0, 1, PersistenceStatus.Persisted));
        delivery.Report(1, Report(1, 0, PersistenceStatus.NotPersisted, ErrorCode.Local_MsgTimedOut));
        delivery.Report(2, Report(2, 5, PersistenceStatus.Persisted));
        delivery.Report(3, Report(1, 0, PersistenceStatus.PossiblyPersisted, ErrorCode.Local_MsgTimedOut));

        var error = await Assert.ThrowsAsync<PartialAppendException>(() => delivery.Task);

        Assert.Equal([0, 2], error.Durable);
        Assert.IsType<LogUnavailableException>(error.InnerException);
    }

    [Fact]
    public async Task Nothing_persisted_is_a_plain_unavailable_log()
    {
        var delivery = new KafkaDelivery("orders", 2);
        delivery.Report(0, Report(0, 0, PersistenceStatus.NotPersisted, ErrorCode.Local_AllBrokersDown));
        delivery.Report(1, Report(0, 0, PersistenceStatus.PossiblyPersisted, ErrorCode.Local_MsgTimedOut));

        await Assert.ThrowsAsync<LogUnavailableException>(() => delivery.Task);
    }
}
