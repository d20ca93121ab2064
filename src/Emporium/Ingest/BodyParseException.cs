namespace Emporium.Ingest;

/// <summary>The body as a whole cannot be read (not JSON, invalid UTF-8 outside a single NDJSON line…). The message
/// says where: line and byte position.</summary>
public sealed class BodyParseException(string message, Exception? inner = null) : Exception(message, inner);
