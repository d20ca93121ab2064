using Emporium.Log;

namespace Emporium.Warehouse;

/// <summary>A commit was refused because the stored position of a partition is not the one the writer started
/// from: another writer (or a replay) moved it. Nothing was written; the writer must reload its positions.</summary>
public sealed class OffsetConflictException(TopicPartition partition, long expected, long actual)
    : Exception($"{partition}: expected stored offset {expected}, found {actual}")
{
    public TopicPartition Partition { get; } = partition;

    public long Expected { get; } = expected;

    public long Actual { get; } = actual;
}
