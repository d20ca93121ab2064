namespace Emporium.Orchestration;

/// <summary>The right to run DAGs among processes that share backends. Each scheduler keeps its run history in its own
/// data dir, so two running at once would each run every DAG; the lease makes the second one wait in standby.</summary>
public interface ISchedulerLease : IAsyncDisposable
{
    /// <summary>One attempt: true when this process now holds the lease, false when another holds it or the store
    /// that keeps it cannot be reached.</summary>
    Task<bool> TryAcquireAsync(CancellationToken ct);

    /// <summary>Waits until this process holds the lease (at once when no other does).</summary>
    Task AcquireAsync(CancellationToken ct);

    /// <summary>Completes if the lease is lost after it was acquired (the connection that holds it broke): the
    /// scheduler must stop, since another may take over.</summary>
    Task Lost { get; }
}
