using Confluent.Kafka;

namespace Emporium.Log.Kafka;

/// <summary>Collects the delivery reports of one append: completes with every position once all arrived; otherwise
/// fails with the first error, as a <see cref="PartialAppendException"/> naming the messages the brokers persisted
/// when there are any.</summary>
/// <param name="cause">The error to report for a failed delivery (a message purged because its producer failed for
/// good says only "Purged in queue"; the producer's own error says why).</param>
internal sealed class KafkaDelivery(string topic, int count, Func<Error, Error>? cause = null)
{
    private readonly LogPosition[] _positions = new LogPosition[count];
    private readonly bool[] _persisted = new bool[count];
    private readonly TaskCompletionSource<IReadOnlyList<LogPosition>> _done = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _pending = count;
    private Error? _error;

    public Task<IReadOnlyList<LogPosition>> Task => _done.Task;

    public void Report(int index, DeliveryReport<string?, byte[]> report)
    {
        if (report.Error.IsError)
        {
            Interlocked.CompareExchange(ref _error, report.Error, null);
        }
        else
        {
            _positions[index] = new LogPosition(new TopicPartition(topic, report.Partition.Value), report.Offset.Value);
            _persisted[index] = report.Status == PersistenceStatus.Persisted;
        }
        if (Interlocked.Decrement(ref _pending) == 0)
        {
            if (_error is { } reported)
            {
                var error = cause?.Invoke(reported) ?? reported;
                var failure = new LogUnavailableException($"Kafka did not acknowledge the append to '{topic}': {KafkaEventLog.Reason(error)} ({error.Code})");
                var durable = Enumerable.Range(0, _persisted.Length).Where(i => _persisted[i]).ToList();
                _done.TrySetException(durable.Count == 0
                    ? failure
                    : new PartialAppendException($"{durable.Count} of {_persisted.Length} message(s) for '{topic}' were persisted before: {failure.Message}", durable, failure));
            }
            else
            {
                _done.TrySetResult(_positions);
            }
        }
    }

    /// <summary>Called when the append fails before every message was handed to the client.</summary>
    public void Abandon() => _done.TrySetCanceled();
}
