namespace Emporium.Log;

/// <summary>A message to append. Messages with the same key always land in the same partition; a null key
/// spreads messages round-robin.</summary>
public readonly record struct LogMessage(string? Key, ReadOnlyMemory<byte> Value);
