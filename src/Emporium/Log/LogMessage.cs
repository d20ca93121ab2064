namespace Emporium.Log;

/// <summary>A message to append. Messages with the same key always land in the same partition; messages with a null
/// key spread over the partitions, one partition per append call (the embedded log also keeps following calls on it
/// until it commits; the Kafka backend rotates per call).</summary>
public readonly record struct LogMessage(string? Key, ReadOnlyMemory<byte> Value);
