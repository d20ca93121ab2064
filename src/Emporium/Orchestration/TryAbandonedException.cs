namespace Emporium.Orchestration;

/// <summary>A try whose token was cancelled (its timeout, or a cancel by hand) and that had not returned a grace period
/// later: its code may still be running, so the engine gives up waiting for it and does not retry it.</summary>
public sealed class TryAbandonedException(string task, TimeSpan? timeout, TimeSpan grace) : Exception(
    $"task {task} {(timeout is { } limit ? $"timed out after {limit}" : "was cancelled")} and ignored its cancellation for {grace} " +
    "(Orchestrator:TimeoutGracePeriod): it may still be running, so it is not retried; a clear of it starts the next try only once it has returned")
{
    public string Task { get; } = task;
}
