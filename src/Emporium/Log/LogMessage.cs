namespace Emporium.Log;

/// <summary>A message to append. Messages with the same key always land in the same partition; messages with a null
/// key spread over the partitions (the embedded log keeps them on one partition until it commits; Kafka's client
/// partitions them by its own sticky rule).</summary>
public readonly record struct LogMessage(string? Key, ReadOnlyMemory<byte> Value);
