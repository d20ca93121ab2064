using Emporium.Orchestration;

namespace Emporium.Cli.Hosting;

/// <summary>Starts the DAG engine with the host (resuming what a previous process left) and stops it first on
/// shutdown; tries cut short are resumed by the next start. With a <see cref="ISchedulerLease"/> (backends shared by
/// several processes) the engine starts only once this process holds the lease, and losing it stops the process (with
/// <see cref="StopReason"/>, a failure exit code), so two schedulers never run DAGs at once; a supervisor restarting
/// it puts it in standby.</summary>
public sealed class OrchestratorHostedService(DagEngine engine, ILogger<OrchestratorHostedService> log, IHostApplicationLifetime lifetime,
    ISchedulerLease? lease = null) : IHostedService
{
    private readonly CancellationTokenSource _stopping = new();
    private Task _leader = Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (lease is null)
        {
            StartEngine();
        }
        else
        {
            _leader = LeadAsync(lease, _stopping.Token);
        }
        return Task.CompletedTask;
    }

    /// <summary>Why this service stopped the process (the lease was lost), or null: the process then ends as a
    /// failure, so a supervisor restarts it (in standby).</summary>
    public string? StopReason { get; private set; }

    private void StartEngine()
    {
        engine.Start();
        log.LogInformation("orchestrator started: {Count} DAG(s): {Names}", engine.Registry.Dags.Count, string.Join(", ", engine.Registry.Dags.Select(d => d.Name)));
    }

    private async Task LeadAsync(ISchedulerLease held, CancellationToken ct)
    {
        try
        {
            if (!await held.TryAcquireAsync(ct).ConfigureAwait(false))
            {
                log.LogWarning("another scheduler holds the scheduler lease (or its database cannot be reached); this one stands by until it can take it");
                await held.AcquireAsync(ct).ConfigureAwait(false);
            }
            StartEngine();
            await held.Lost.WaitAsync(ct).ConfigureAwait(false);
            StopReason = "the scheduler lease was lost (its database connection broke); stopping so that no two schedulers run DAGs at once";
            log.LogCritical("{Reason}", StopReason);
            lifetime.StopApplication();
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
    }

    private int _stopped;

    /// <summary>The host may stop its services more than once (a stop, then its disposal): only the first stops.</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _stopped, 1) == 1)
        {
            return;
        }
        await _stopping.CancelAsync();
        await _leader;
        await engine.DisposeAsync();
        if (lease is not null)
        {
            await lease.DisposeAsync();
        }
        _stopping.Dispose();
    }
}
