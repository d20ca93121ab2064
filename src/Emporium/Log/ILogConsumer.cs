namespace Emporium.Log;

/// <summary>A group member reading the partitions assigned to it. Positions are owned by the caller (the
/// processor keeps them in the warehouse, in the same transaction as the rows), so the consumer never
/// decides on its own what has been processed.</summary>
public interface ILogConsumer : IAsyncDisposable
{
    /// <summary>Partitions currently owned by this member. Embedded: all of them. Kafka: changes on rebalance.</summary>
    IReadOnlyCollection<TopicPartition> Assignment { get; }

    /// <summary>Reads up to <paramref name="maxRecords"/> entries from owned partitions, each starting at the given
    /// position (next offset to read; partitions absent from the map start at 0). Waits up to
    /// <paramref name="maxWait"/> for data, then returns what it has (possibly nothing).</summary>
    ValueTask<IReadOnlyList<LogEntry>> FetchAsync(
        IReadOnlyDictionary<TopicPartition, long> positions, int maxRecords, TimeSpan maxWait, CancellationToken ct);

    /// <summary>Tells the log what the group has durably processed (next offset per partition), for lag
    /// reporting and for retention, which never deletes what a registered group has not processed.</summary>
    ValueTask ReportProcessedAsync(IReadOnlyDictionary<TopicPartition, long> next, CancellationToken ct);
}
