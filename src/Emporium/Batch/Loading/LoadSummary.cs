namespace Emporium.Batch.Loading;

/// <summary>The outcome of one <c>load</c>: per file, and the exit status a CLI derives from it.</summary>
public sealed record LoadSummary(string Dataset, IReadOnlyList<FileLoadResult> Files)
{
    public long RowsRead => Files.Sum(f => f.RowsRead);

    public long RowsLoaded => Files.Sum(f => f.RowsLoaded);

    /// <summary>Rows that did not land because a later row of their file has the same key (<see cref="FileLoadResult.RowsDuplicateKey"/>).</summary>
    public long RowsDuplicateKey => Files.Sum(f => f.RowsDuplicateKey);

    public long RowsRejected => Files.Sum(f => f.RowsRejected);

    /// <summary>True when a file failed, or (strict) was rejected: the CLI exits non-zero.</summary>
    public bool HasErrors => Files.Any(f => f.Status is FileLoadStatus.Failed or FileLoadStatus.Rejected);
}
