namespace Emporium.Log;

/// <summary>One partition of one topic.</summary>
public readonly record struct TopicPartition(string Topic, int Partition)
{
    public override string ToString() => $"{Topic}/{Partition}";
}
