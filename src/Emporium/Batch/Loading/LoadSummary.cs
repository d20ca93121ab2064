namespace Emporium.Batch.Loading;

/// <summary>The outcome of one <c>load</c>: per file, and the exit status a CLI derives from it.</summary>
public sealed record LoadSummary(string Dataset, IReadOnlyList<FileLoadResult> Files)
{
    public long RowsLoaded => Files.Sum(f => f.RowsLoaded);

    public long RowsRejected => Files.Sum(f => f.RowsRejected);

    /// <summary>True when a file failed, or (strict) was rejected: the CLI exits non-zero.</summary>
    public bool HasErrors => Files.Any(f => f.Status is FileLoadStatus.Failed or FileLoadStatus.Rejected);
}
