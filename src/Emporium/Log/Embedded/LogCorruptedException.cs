namespace Emporium.Log.Embedded;

/// <summary>Thrown when committed log data fails its checksum or framing: it is never served.</summary>
public sealed class LogCorruptedException(string message) : IOException(message);
