namespace Emporium.Log;

/// <summary>A message read back from the log at a stable position.</summary>
public sealed record LogEntry(TopicPartition Position, long Offset, string? Key, ReadOnlyMemory<byte> Value, DateTimeOffset Timestamp);
