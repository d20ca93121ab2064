using Emporium.Orchestration;

namespace Emporium.Cli.Hosting;

/// <summary>Starts the DAG engine with the host (resuming what a previous process left) and stops it first on
/// shutdown; tries cut short are resumed by the next start.</summary>
public sealed class OrchestratorHostedService(DagEngine engine, ILogger<OrchestratorHostedService> log) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        engine.Start();
        log.LogInformation("orchestrator started: {Count} DAG(s): {Names}", engine.Registry.Dags.Count, string.Join(", ", engine.Registry.Dags.Select(d => d.Name)));
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken) => await engine.DisposeAsync();
}
