using Emporium.Configuration;
using Emporium.Orchestration;

namespace Emporium.Cli.Hosting;

/// <summary>Hosts the DAG orchestrator in <c>emporium up</c> (processes with the scheduler role): discovers the DAGs, opens the metadata store under
/// <c>&lt;data&gt;/meta/orchestrator</c> and runs the scheduler until shutdown. Settings: section <c>Orchestrator</c>
/// (<c>Scheduling</c>, default true: create runs from schedules; <c>Parallelism</c>, default 8;
/// <c>DagsArePausedAtCreation</c>, default true: a DAG first seen starts paused); DAG parameters:
/// section <c>Dags:&lt;dag&gt;</c>.</summary>
public sealed class OrchestratorServiceModule : IServiceModule
{
    public void Configure(IServiceCollection services, EmporiumOptions options)
    {
        var dataDir = BackendAddresses.FullDataDir(options);
        services.AddSingleton(sp => DagRegistry.Discover(sp, Path.Combine(dataDir, "dags")));
        services.AddSingleton(_ => OrchestratorStore.Open(OrchestratorStore.DirectoryFor(dataDir)));
        services.AddSingleton(sp =>
        {
            var configuration = sp.GetRequiredService<IConfiguration>();
            var settings = Settings(configuration);
            try
            {
                return new DagEngine(
                    sp.GetRequiredService<DagRegistry>(),
                    sp.GetRequiredService<OrchestratorStore>(),
                    settings with { OnlyOwnRuns = false },
                    sp,
                    sp.GetRequiredService<TimeProvider>(),
                    new DagParamResolver(configuration),
                    sp.GetRequiredService<ILoggerFactory>());
            }
            catch (InvalidDagParamException e)
            {
                throw new StartupException(e.Message);
            }
        });
        if (options.Runs(ProcessRoles.Scheduler))
        {
            // On a warehouse several processes share, a lease there keeps a second scheduler in standby.
            services.AddHostedService(sp => new OrchestratorHostedService(sp.GetRequiredService<DagEngine>(),
                sp.GetRequiredService<ILogger<OrchestratorHostedService>>(), sp.GetRequiredService<IHostApplicationLifetime>(),
                sp.GetRequiredService<Backends>().Warehouse is Warehouse.Postgres.PostgresWarehouse postgres ? postgres.CreateSchedulerLease() : null));
        }
    }

    /// <summary>Section <c>Orchestrator</c> of the configuration, defaults where absent.</summary>
    public static OrchestratorOptions Settings(IConfiguration configuration) =>
        EmporiumConfiguration.Get<OrchestratorOptions>(configuration, EmporiumConfiguration.OrchestratorSection);
}
