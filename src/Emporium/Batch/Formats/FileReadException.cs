namespace Emporium.Batch.Formats;

/// <summary>A file could not be read at all (or not past a point): unknown or lying format, corrupt container,
/// conflicting schema. The message names the reason; the loader adds the file name.</summary>
public sealed class FileReadException(string message, Exception? inner = null) : Exception(message, inner);
