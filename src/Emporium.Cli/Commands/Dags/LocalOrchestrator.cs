using Emporium.Cli.Hosting;
using Emporium.Configuration;
using Emporium.Datasets;
using Emporium.Orchestration;

namespace Emporium.Cli.Commands.Dags;

/// <summary>The orchestrator inside a CLI process, for a data dir no server owns: holds the data dir's lock (so no
/// server starts meanwhile), creates the same backends and services a server would, and executes only the runs this
/// command asks for (a run a killed process left active is adopted and resumed).</summary>
public sealed class LocalOrchestrator : IAsyncDisposable
{
    private readonly DataDirLock dirLock;
    private readonly Backends backends;
    private readonly ServiceProvider services;
    private readonly OrchestratorStore store;

    private LocalOrchestrator(DataDirLock dirLock, Backends backends, ServiceProvider services, OrchestratorStore store, DagEngine engine)
    {
        this.dirLock = dirLock;
        this.backends = backends;
        this.services = services;
        this.store = store;
        Engine = engine;
    }

    public DagEngine Engine { get; }

    /// <summary>Refuses a data dir that does not exist (<see cref="RequireDataDir"/>).</summary>
    public static async Task<LocalOrchestrator> OpenAsync(string dataDir, CancellationToken ct)
    {
        var configuration = EmporiumConfiguration.Build(dataDir);
        var options = EmporiumConfiguration.Bind(configuration);
        Backends.EnsureServed(options);
        RequireDataDir(dataDir);
        var dirLock = DataDirLock.Acquire(dataDir);
        Backends? backends = null;
        ServiceProvider? provider = null;
        OrchestratorStore? store = null;
        try
        {
            backends = await Backends.CreateAsync(options, ct);
            if (backends.Warehouse is { } warehouse)
            {
                await warehouse.InitializeAsync(DatasetCatalog.All, ct);
            }
            provider = BuildServices(options, configuration, backends);
            var registry = DagRegistry.Discover(provider, Path.Combine(dataDir, "dags"));
            store = OrchestratorStore.Open(OrchestratorStore.DirectoryFor(dataDir));
            var engine = new DagEngine(registry, store, OrchestratorServiceModule.Settings(configuration) with { Scheduling = false, OnlyOwnRuns = true }, provider,
                TimeProvider.System, new DagParamResolver(configuration), provider.GetRequiredService<ILoggerFactory>());
            engine.Start();
            return new LocalOrchestrator(dirLock, backends, provider, store, engine);
        }
        catch (Exception e)
        {
            store?.Dispose();
            if (provider is not null)
            {
                await provider.DisposeAsync();
            }
            if (backends is not null)
            {
                await backends.DisposeAsync();
            }
            dirLock.Abandon();
            if (DiskFullReport.OpeningDataDir(dataDir, e) is var wrapped && wrapped != e)
            {
                throw wrapped;
            }
            throw;
        }
    }

    /// <summary>Throws when the data dir does not exist: a command that writes the orchestrator's state without a server
    /// would create it, so a mistyped <c>--data</c> (or the default one, run from another folder) ran a DAG on nothing, or
    /// paused one in a new data dir no server reads, and left it behind. A folder made on purpose is taken as it is.</summary>
    public static void RequireDataDir(string dataDir) => ExistingDataDir.Require(dataDir, "run DAGs in a new one");

    public async ValueTask DisposeAsync()
    {
        await Engine.DisposeAsync();
        store.Dispose();
        await services.DisposeAsync();
        await backends.DisposeAsync();
        dirLock.Dispose();
    }

    /// <summary>The services tasks see in a server, minus the web parts: options, configuration, clock, backends and
    /// whatever the service modules register (hosted services are registered but not started).</summary>
    private static ServiceProvider BuildServices(EmporiumOptions options, IConfiguration configuration, Backends backends)
    {
        var services = new ServiceCollection();
        services.AddLogging(logging =>
        {
            logging.AddSimpleConsole(o => o.SingleLine = true);
            logging.SetMinimumLevel(LogLevel.Warning);
        });
        services.AddSingleton(options);
        services.AddSingleton(configuration);
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton(backends);
        if (backends.Log is { } log)
        {
            services.AddSingleton(log);
        }
        if (backends.Lake is { } lake)
        {
            services.AddSingleton(lake);
        }
        if (backends.Warehouse is { } warehouse)
        {
            services.AddSingleton(warehouse);
        }
        if (backends.Normalizer is { } normalizer)
        {
            services.AddSingleton(normalizer);
        }
        foreach (var module in ModuleDiscovery.ServiceModules().Where(m => m is not OrchestratorServiceModule))
        {
            module.Configure(services, options);
        }
        return services.BuildServiceProvider();
    }
}
