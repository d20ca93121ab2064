namespace Emporium.Orchestration;

/// <summary>A try whose run was cancelled by hand as it was about to start: final (no retry can mend it).</summary>
public sealed class RunCancelledException() : OperationCanceledException(DagEngine.CancelledByHand);
