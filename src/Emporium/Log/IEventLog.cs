namespace Emporium.Log;

/// <summary>A durable, partitioned, append-only log (embedded segment files or Kafka).</summary>
public interface IEventLog : IAsyncDisposable
{
    /// <summary>Short description for logs and /health, e.g. "embedded:/data/log" or "kafka://host:9092".</summary>
    string Describe { get; }

    /// <summary>Most bytes of key and value one message may have; an append holding a longer one is refused with an
    /// <see cref="ArgumentException"/> before anything is written. Ingest rejects such a record as it rejects an invalid
    /// one. Default no limit.</summary>
    int MaxRecordBytes => int.MaxValue;

    /// <summary>Creates the topic when missing; an existing topic keeps its partition count. A backend whose topics can
    /// change count outside Emporium (Kafka) refuses an existing topic whose count is not the configured one with
    /// <see cref="LogUnavailableException"/>: keys are placed by the count.</summary>
    ValueTask EnsureTopicAsync(string topic, int partitions, CancellationToken ct);

    /// <summary>Appends messages and returns only once they are durable (fsync'd, or acknowledged by all
    /// in-sync replicas). The result has one offset per message, in order.</summary>
    ValueTask<IReadOnlyList<LogPosition>> AppendAsync(string topic, IReadOnlyList<LogMessage> messages, CancellationToken ct);

    /// <summary>End offset (next offset to be written) of every partition of a topic.</summary>
    ValueTask<IReadOnlyDictionary<TopicPartition, long>> GetEndOffsetsAsync(string topic, CancellationToken ct);

    /// <summary>Oldest offset still stored in every partition of a topic: retention moves it forward, and what lies
    /// before it can no longer be read (a replay must not withdraw rows it cannot read again). Default 0 everywhere,
    /// for a log that deletes nothing.</summary>
    async ValueTask<IReadOnlyDictionary<TopicPartition, long>> GetStartOffsetsAsync(string topic, CancellationToken ct) =>
        (await GetEndOffsetsAsync(topic, ct).ConfigureAwait(false)).ToDictionary(e => e.Key, _ => 0L);

    /// <summary>Whether a record sent with an Idempotency-Key can reach this log twice although every ingest process
    /// honours the key: when several ingest processes may share the log (a retry that reaches another one appends
    /// again), or when an append can fail after the backend persisted it (a Kafka delivery that timed out). The stream
    /// processor then drops the second copy by its ingest tag (<c>Emporium.Processing.RetriedRecords</c>), which costs
    /// a stored claim per tagged record. Default true.</summary>
    bool MayRepeatTaggedAppends => true;

    /// <summary>Null when the log answers now, else a one-line reason naming it (for <c>/health</c>). An embedded log
    /// lives in this process, so it is up while the process is; a cluster must answer a metadata request.</summary>
    Task<string?> PingAsync(CancellationToken ct) => Task.FromResult<string?>(null);

    /// <summary>Opens a consumer that is a member of <paramref name="group"/>. Members of one group share the
    /// partitions of the topics between them.</summary>
    ILogConsumer OpenConsumer(string group, IReadOnlyCollection<string> topics);

    /// <summary>Offsets a group last reported as processed (next offset per partition; 0 when never reported), for
    /// lag = end offset - processed offset. Backends that do not track groups throw <see cref="NotSupportedException"/>.</summary>
    ValueTask<IReadOnlyDictionary<TopicPartition, long>> GetGroupOffsetsAsync(string group, string topic, CancellationToken ct) =>
        throw new NotSupportedException($"{GetType().Name} does not report consumer group offsets.");
}

/// <summary>Where an appended message landed.</summary>
public readonly record struct LogPosition(TopicPartition Partition, long Offset);
