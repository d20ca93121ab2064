namespace Emporium.Batch.Formats;

/// <summary>A file could not be read at all (or not past a point): unknown or lying format, corrupt container,
/// conflicting schema. The message names the reason; the loader adds the file name.</summary>
public sealed class FileReadException(string message, Exception? inner = null) : Exception(message, inner)
{
    /// <summary>The file ends inside a record that has no line end (a download or copy that stopped): the file is
    /// damaged, not one bad row, so it fails as an unterminated quote does (the rows before it load, the file is
    /// recorded as failed and the complete file replaces them). Every reader says it the same way.</summary>
    public static FileReadException CutShort(string what, long line, long? byteOffset) =>
        new($"the file is cut short: it ends in the middle of {what} at line {line}{(byteOffset is { } b ? $" (byte {b + 1} of the file)" : "")}, " +
            "most likely a download or copy that stopped; load the complete file") { IsCutShort = true };

    /// <summary>Whether the file ends inside a record (<see cref="CutShort"/>).</summary>
    public bool IsCutShort { get; private init; }
}
