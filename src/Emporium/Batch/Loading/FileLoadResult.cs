using Emporium.Batch.Formats;

namespace Emporium.Batch.Loading;

/// <summary>What happened to one file.</summary>
/// <param name="Path">The file as given.</param>
/// <param name="Sha256">Content hash (the load identity, with the values partition folders and <c>--set</c> add to
/// the rows: <see cref="FileLoadMarker"/>), null when the file could not be opened.</param>
/// <param name="Format">Format it was read as.</param>
/// <param name="RowsRead">Data rows read (good and bad), including rows of an earlier interrupted run.</param>
/// <param name="RowsLoaded">Rows of the file that landed in the warehouse: its good rows, or for a keyed (upsert)
/// dataset one per key, the file's last row of that key (<see cref="RowsDuplicateKey"/> counts the others).</param>
/// <param name="RowsRejected">Rows quarantined.</param>
/// <param name="Quarantine">Lake paths of the quarantine files holding this file's rejects.</param>
/// <param name="RawPath">Lake path of the raw copy.</param>
/// <param name="Error">Why the file failed (or was rejected), null otherwise.</param>
public sealed record FileLoadResult(
    string Path,
    FileLoadStatus Status,
    string? Sha256,
    FileFormat? Format,
    long RowsRead,
    long RowsLoaded,
    long RowsRejected,
    IReadOnlyList<string> Quarantine,
    string? RawPath,
    IReadOnlyList<string> Warnings,
    string? Error)
{
    /// <summary>True when DuckDB's CSV reader parsed the file in one transaction (the bulk path), false when the
    /// streaming readers did.</summary>
    public bool Bulk { get; init; }

    /// <summary>Good rows of a keyed dataset that did not land because a later row of the same file has the same key
    /// (the latest row per key wins); 0 for an appended dataset. For a file read to the end, rows read = loaded +
    /// duplicate-key + rejected. The clean zone keeps every good row, as the raw file does.</summary>
    public long RowsDuplicateKey { get; init; }

    public static FileLoadResult Failure(string path, string? sha, FileFormat? format, string error, IReadOnlyList<string>? warnings = null) =>
        new(path, FileLoadStatus.Failed, sha, format, 0, 0, 0, [], null, warnings ?? [], error);
}
