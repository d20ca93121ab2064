using System.Runtime.InteropServices;
using Confluent.Kafka;
using Emporium.Log.Embedded;

namespace Emporium.Log.Kafka;

public sealed partial class KafkaEventLog
{
    /// <summary>Sends every message to its partition and returns once the broker acknowledged all of them
    /// (<c>acks=all</c>: every in-sync replica has it), with one position per message in order. A keyed message goes
    /// to <see cref="KeyPartitioner.PartitionFor"/>; messages without a key go to one partition per call, rotating
    /// between calls, as on the embedded log. Both use the topic's partition count as this process first saw it, so
    /// partitions added while it runs move no key (<see cref="EnsureTopicAsync"/> refuses the changed count at the next
    /// start). Any failed delivery fails the whole call: the caller must not acknowledge
    /// any of it. When some messages were persisted, it is a <see cref="PartialAppendException"/> naming them; a message
    /// whose fate the client does not know (possibly persisted) is not among them. Cancelling stops the wait only.</summary>
    public async ValueTask<IReadOnlyList<LogPosition>> AppendAsync(string topic, IReadOnlyList<LogMessage> messages, CancellationToken ct)
    {
        ThrowIfDisposed();
        ArgumentException.ThrowIfNullOrEmpty(topic);
        ArgumentNullException.ThrowIfNull(messages);
        ct.ThrowIfCancellationRequested();
        if (messages.Count == 0)
        {
            return [];
        }
        ThrowIfKnownDown();
        for (var i = 0; i < messages.Count; i++)
        {
            var bytes = (messages[i].Key is { } key ? System.Text.Encoding.UTF8.GetByteCount(key) : 0) + (long)messages[i].Value.Length;
            if (bytes > Options.MaxRecordBytes)
            {
                throw new ArgumentException(
                    $"Message {i} for topic '{topic}' has {bytes} bytes of key and value; the limit is {Options.MaxRecordBytes}.", nameof(messages));
            }
        }

        var partitions = await PlacementCountAsync(topic, ct).ConfigureAwait(false);
        var sticky = -1;
        var timestamp = new Timestamp(Time.GetUtcNow());
        var delivery = new KafkaDelivery(topic, messages.Count, FatalCause);
        for (var i = 0; i < messages.Count; i++)
        {
            var message = messages[i];
            var partition = message.Key is null
                ? sticky >= 0 ? sticky : sticky = (int)((uint)Interlocked.Increment(ref _roundRobin) % (uint)partitions)
                : KeyPartitioner.PartitionFor(message.Key, partitions);
            var kafkaMessage = new Message<string?, byte[]> { Key = message.Key, Value = Bytes(message.Value), Timestamp = timestamp };
            var index = i;
            await ProduceAsync(new Confluent.Kafka.TopicPartition(topic, partition), kafkaMessage, report => delivery.Report(index, report), delivery, ct)
                .ConfigureAwait(false);
        }
        try
        {
            var positions = await delivery.Task.WaitAsync(ct).ConfigureAwait(false);
            _reachability?.Answered();
            return positions;
        }
        catch (Exception e) when (e is LogUnavailableException or PartialAppendException)
        {
            // Unacknowledged (30 s without a delivery report, every broker lost): the next appends need not wait
            // as long if the cluster is indeed down.
            _reachability?.Suspect();
            throw;
        }
    }

    private async Task ProduceAsync(
        Confluent.Kafka.TopicPartition partition, Message<string?, byte[]> message, Action<DeliveryReport<string?, byte[]>> onDelivery, KafkaDelivery delivery, CancellationToken ct)
    {
        var sender = CurrentSender();
        var replaced = false;
        while (true)
        {
            try
            {
                var producer = sender.Producer;
                if (sender.Use.TryRun(() => producer.Produce(partition, message, onDelivery)))
                {
                    return;
                }
                // Replaced by another thread's send and being destroyed, or the log is being disposed.
                ThrowIfDisposed();
                sender = CurrentSender();
                continue;
            }
            catch (ProduceException<string?, byte[]> e) when (e.Error.IsFatal && !replaced)
            {
                // The producer has failed for good (the error event that says so may not have arrived yet): one more
                // try, with the producer that replaces it.
                sender.Fatal ??= e.Error;
                sender = CurrentSender();
                replaced = true;
            }
            catch (ProduceException<string?, byte[]> e) when (e.Error.Code == ErrorCode.Local_QueueFull)
            {
                // The client's send queue is full: wait for deliveries to drain it (back-pressure, not an error).
                await Task.Delay(TimeSpan.FromMilliseconds(5), Time, ct).ConfigureAwait(false);
            }
            catch (ProduceException<string?, byte[]> e)
            {
                // Earlier messages of this call may still be delivered; the call as a whole is not acknowledged.
                delivery.Abandon();
                throw new LogUnavailableException($"Kafka refused a message for {partition.Topic}/{partition.Partition.Value}: {Reason(e.Error)}", e);
            }
        }
    }

    private async Task<int> CreateOnAppendAsync(string topic, CancellationToken ct)
    {
        if (!Options.AutoCreateTopics)
        {
            throw new KeyNotFoundException($"Topic '{topic}' does not exist in {Describe} and topics are not created on append.");
        }
        await EnsureTopicAsync(topic, Options.DefaultPartitions, ct).ConfigureAwait(false);
        return await FindPartitionCountAsync(topic, refresh: false, ct).ConfigureAwait(false)
               ?? throw new LogUnavailableException($"Topic '{topic}' is missing from the metadata of {Describe}.");
    }

    /// <summary>Uses the array behind the memory when it is exactly that array (no copy), else copies.</summary>
    private static byte[] Bytes(ReadOnlyMemory<byte> value) =>
        MemoryMarshal.TryGetArray(value, out var segment) && segment.Offset == 0 && segment.Count == segment.Array!.Length
            ? segment.Array
            : value.ToArray();
}
