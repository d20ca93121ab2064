using Emporium.Batch.Formats;

namespace Emporium.Batch.Loading;

/// <summary>What happened to one file.</summary>
/// <param name="Path">The file as given.</param>
/// <param name="Sha256">Content hash (the load identity, with the values partition folders and <c>--set</c> add to
/// the rows: <see cref="FileLoadMarker"/>), null when the file could not be opened.</param>
/// <param name="Format">Format it was read as.</param>
/// <param name="RowsRead">Data rows read (good and bad), including rows of an earlier interrupted run.</param>
/// <param name="RowsLoaded">Rows written to the warehouse and the clean zone.</param>
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

    public static FileLoadResult Failure(string path, string? sha, FileFormat? format, string error, IReadOnlyList<string>? warnings = null) =>
        new(path, FileLoadStatus.Failed, sha, format, 0, 0, 0, [], null, warnings ?? [], error);
}
