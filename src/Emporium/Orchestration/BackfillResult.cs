namespace Emporium.Orchestration;

/// <param name="Created">Runs created or re-run.</param>
/// <param name="Skipped">Days left as they are, each with why.</param>
public sealed record BackfillResult(IReadOnlyList<DagRunInfo> Created, IReadOnlyList<BackfillSkip> Skipped);

/// <summary>A day a backfill left alone: its existing run and the reason, for people.</summary>
public sealed record BackfillSkip(DagRunInfo Run, string Reason);
