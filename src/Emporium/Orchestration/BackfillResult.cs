namespace Emporium.Orchestration;

/// <param name="Created">Runs created or re-run.</param>
/// <param name="Skipped">Days left alone because their run was still active.</param>
public sealed record BackfillResult(IReadOnlyList<DagRunInfo> Created, IReadOnlyList<DagRunInfo> Skipped);
