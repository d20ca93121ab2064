namespace Emporium.Processing;

/// <summary>A replay named a partition the dataset's topic does not have: a typo that would otherwise replay nothing
/// and say so as if it had looked.</summary>
public sealed class UnknownPartitionException(string dataset, int partition, IReadOnlyList<int> partitions)
    : Exception($"{dataset} has no partition {partition}; its partitions are {string.Join(", ", partitions)}")
{
    public int Partition { get; } = partition;
}
