namespace Emporium.Batch.Formats;

/// <summary>A file could not be read at all (or not past a point): unknown or lying format, corrupt container,
/// conflicting schema. The message names the reason; the loader adds the file name.</summary>
public sealed class FileReadException(string message, Exception? inner = null) : Exception(message, inner)
{
    /// <summary>The file ends inside a record that has no line end (a download or copy that stopped): the file is
    /// damaged, not one bad row, so it fails as an unterminated quote does (the rows before it load, the file is
    /// recorded as failed and the complete file replaces them). Every reader says it the same way.</summary>
    /// <param name="inside">Whether the file ends inside <paramref name="what"/> ("inside field 3 (a quoted value)")
    /// rather than in the middle of it.</param>
    public static FileReadException CutShort(string what, long line, long? byteOffset, bool inside = false) =>
        new($"the file is cut short: it ends {(inside ? "inside" : "in the middle of")} {what} at line {line}{(byteOffset is { } b ? $" (byte {b + 1} of the file)" : "")}, " +
            "most likely a download or copy that stopped; load the complete file") { IsCutShort = true };

    /// <summary>A delimited file whose last line has too few fields and no line end: a record cut mid-value, or a
    /// footer (<c>Total,1349</c>) written without a line end. Nothing in the line tells the two apart, so the message
    /// gives both; the file fails as a cut one does, since a cut file taken as whole loses rows unseen.</summary>
    public static FileReadException ShortLastLine(long record, long line, int fields, int headerFields) =>
        new($"the file is cut short or ends with a footer: it ends without a line end at line {line} (record {record}), which has {fields} " +
            $"field{(fields == 1 ? "" : "s")} where the header has {headerFields}. A download or copy that stopped mid-record leaves such a line (load the complete file); " +
            "so does a footer or note written without a line end (remove it, or end it with a line end to have it taken as one bad row)") { IsCutShort = true };

    /// <summary>A JSON document that is valid as far as it was read but shows no array of records where the reader
    /// looks for one: not damage, the reader needs to be told where the records are (<c>load</c>'s option).</summary>
    public static FileReadException NoRecordArray(string message) => new(message) { IsNoRecordArray = true };

    /// <summary>Whether the reader found no array of records (<see cref="NoRecordArray"/>).</summary>
    public bool IsNoRecordArray { get; private init; }

    /// <summary>Whether the file ends inside a record (<see cref="CutShort"/>).</summary>
    public bool IsCutShort { get; private init; }
}
