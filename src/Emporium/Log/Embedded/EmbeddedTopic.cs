using System.Text.Json;

namespace Emporium.Log.Embedded;

/// <summary>A topic: its partitions and the sticky partition for messages without a key. Its partition count
/// lives in <c>topic.json</c>, written last when a topic is created, so a half-created topic is simply recreated.</summary>
internal sealed class EmbeddedTopic(string name, Partition[] partitions)
{
    /// <summary>Bytes of keyless messages after which the sticky partition moves on even before it commits (a large
    /// NDJSON request moves it at once, so concurrent large requests still spread over every partition's writer).</summary>
    private const long StickyBytes = 64 * 1024;

    private readonly Lock _stickyLock = new();
    private int _sticky;
    private long _stickyBytes;

    public string Name { get; } = name;

    public Partition[] Partitions { get; } = partitions;

    /// <summary>Partition for the keyless messages of one append (<paramref name="bytes"/> in all). Keyless messages
    /// stay on one partition until its writer commits (Kafka's sticky partitioning across calls), so concurrent small
    /// requests share one write and fsync instead of each waking another partition's writer for an fsync of its own
    /// (round-robin per call spread 32 concurrent single-record requests over four fsyncs).</summary>
    public int Sticky(long bytes)
    {
        lock (_stickyLock)
        {
            var partition = _sticky;
            _stickyBytes += bytes;
            if (_stickyBytes >= StickyBytes)
            {
                Advance();
            }
            return partition;
        }
    }

    /// <summary>A partition's writer made its messages durable: if it was the sticky one, the next takes over.</summary>
    public void Committed(int partition)
    {
        lock (_stickyLock)
        {
            if (_sticky == partition)
            {
                Advance();
            }
        }
    }

    private void Advance()
    {
        _sticky = (_sticky + 1) % Partitions.Length;
        _stickyBytes = 0;
    }

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
