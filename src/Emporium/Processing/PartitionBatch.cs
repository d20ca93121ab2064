using Emporium.Datasets;
using Emporium.Log;

namespace Emporium.Processing;

/// <summary>The entries of one partition in one micro-batch, decoded and ready for the sinks.</summary>
/// <param name="Partition">Topic partition.</param>
/// <param name="Schema">Dataset of the topic.</param>
/// <param name="Entries">Raw log entries, in offset order (all of them, for the raw zone).</param>
/// <param name="Records">Decoded records after hooks and (for upsert datasets) in-batch dedupe, with their offsets.</param>
internal sealed record PartitionBatch(
    TopicPartition Partition,
    DatasetSchema Schema,
    IReadOnlyList<LogEntry> Entries,
    IReadOnlyList<BatchRecord> Records)
{
    public long First => Entries[0].Offset;

    public long Last => Entries[^1].Offset;

    public LogSource Source => new(Partition, First, Last);

    public string Id => Lake.LakeLayout.OffsetRange(Partition.Partition, First, Last);
}

/// <summary>A decoded record with the offset and append time of its log entry.</summary>
internal readonly record struct BatchRecord(long Offset, DateTimeOffset Appended, CanonicalRecord Record);
