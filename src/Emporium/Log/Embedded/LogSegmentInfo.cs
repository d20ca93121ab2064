namespace Emporium.Log.Embedded;

/// <summary>A segment as seen from outside: offsets [<see cref="BaseOffset"/>, <see cref="NextOffset"/>), its
/// durable size and its newest record's time (null when empty).</summary>
public sealed record LogSegmentInfo(long BaseOffset, long NextOffset, long Bytes, DateTimeOffset? NewestTimestamp);
