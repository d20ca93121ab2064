using System.Text.Json;

namespace Emporium.Log.Embedded;

/// <summary>A topic: its partitions and the round-robin cursor for messages without a key. Its partition count
/// lives in <c>topic.json</c>, written last when a topic is created, so a half-created topic is simply recreated.</summary>
internal sealed class EmbeddedTopic(string name, Partition[] partitions)
{
    private int _roundRobin = -1;

    public string Name { get; } = name;

    public Partition[] Partitions { get; } = partitions;

    public int NextRoundRobin() => (int)((uint)Interlocked.Increment(ref _roundRobin) % (uint)Partitions.Length);

    public static string MetadataPath(string topicDirectory) => Path.Combine(topicDirectory, "topic.json");

    public static int? ReadPartitionCount(string topicDirectory)
    {
        var path = MetadataPath(topicDirectory);
        if (!File.Exists(path))
        {
            return null;
        }

        var metadata = JsonSerializer.Deserialize<TopicMetadata>(File.ReadAllBytes(path));
        return metadata is { Partitions: > 0 }
            ? metadata.Partitions
            : throw new InvalidDataException($"Topic metadata {path} has no valid partition count.");
    }

    public static void WriteMetadata(string topicDirectory, int partitions) =>
        DurableFiles.WriteAtomic(MetadataPath(topicDirectory), JsonSerializer.SerializeToUtf8Bytes(new TopicMetadata(partitions)));

    internal sealed record TopicMetadata(int Partitions);
}
