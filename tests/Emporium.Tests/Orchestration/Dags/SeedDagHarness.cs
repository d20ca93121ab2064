using Emporium.Configuration;
using Emporium.Datasets;
using Emporium.Lake;
using Emporium.Lake.Local;
using Emporium.Orchestration;
using Emporium.Tests.TestSupport;
using Emporium.Warehouse;
using Emporium.Warehouse.DuckDb;
using Microsoft.Extensions.DependencyInjection;

namespace Emporium.Tests.Orchestration.Dags;

/// <summary>A real engine over one built-in DAG with the real embedded backends (local lake, DuckDB warehouse, record
/// normalizer) in a temp data dir, on the system clock (HTTP retries and sensors wait for real, briefly).</summary>
public sealed class SeedDagHarness : IAsyncDisposable
{
    private readonly TempDir _dir = new("seed-dag");
    private readonly ServiceProvider _services;
    private readonly CancellationTokenSource _guard = new(TimeSpan.FromMinutes(3));

    public SeedDagHarness(IDagDefinition definition)
    {
        Lake = new LocalLakeStore(_dir.Combine("lake"));
        Warehouse = new DuckDbWarehouse(new DuckDbWarehouseOptions { Path = _dir.Combine("warehouse.duckdb") });
        _services = new ServiceCollection()
            .AddSingleton(new EmporiumOptions { DataDir = _dir.Path })
            .AddSingleton<ILakeStore>(Lake)
            .AddSingleton<IWarehouse>(Warehouse)
            .AddSingleton<IRecordNormalizer>(new RecordNormalizer())
            .AddSingleton(TimeProvider.System)
            .BuildServiceProvider();
        Dag = definition.Build();
        Store = OrchestratorStore.Open(_dir.Combine("meta", "orchestrator"));
        Engine = new DagEngine(new DagRegistry([Dag]), Store, new OrchestratorOptions { Scheduling = false }, _services);
        Engine.Start();
    }

    public Dag Dag { get; }

    public LocalLakeStore Lake { get; }

    public DuckDbWarehouse Warehouse { get; }

    public OrchestratorStore Store { get; }

    public DagEngine Engine { get; }

    public string DataDir => _dir.Path;

    public async Task<DagRunInfo> RunAsync(DateOnly ds, IReadOnlyDictionary<string, string?> parameters)
    {
        var run = Engine.Trigger(Dag.Name, ds.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc), parameters);
        string Logs() => string.Join("\n", Dag.Tasks.Select(t => $"--- {t.Name}: {Store.GetTask(run.Key, t.Name)?.State}\n{Store.ReadLog(run.Key, t.Name)}"));
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_guard.Token);
        timeout.CancelAfter(TimeSpan.FromSeconds(90));
        DagRunInfo done;
        try
        {
            done = await Engine.WaitForRunAsync(run.Key, timeout.Token);
        }
        catch (OperationCanceledException)
        {
            Assert.Fail($"run {Dag.Name} {ds} did not finish\n{Logs()}");
            throw;
        }
        if (done.State != RunState.Success)
        {
            Assert.Fail($"run {Dag.Name} {ds} ended {done.State}\n{Logs()}");
        }
        return done;
    }

    /// <summary>Triggers a run and returns the log of <paramref name="task"/>'s first try and the task's state once that
    /// try ended: <see cref="TaskState.Failed"/> for an error no retry can mend, up for retry otherwise.</summary>
    public async Task<(string Log, TaskState State)> FirstTryAsync(DateOnly ds, IReadOnlyDictionary<string, string?> parameters, string task)
    {
        var run = Engine.Trigger(Dag.Name, ds.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc), parameters);
        using var guard = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await Engine.WaitUntilAsync(() => Store.Tries(run.Key, task).Count >= 1
            && Store.Tries(run.Key, task)[0].EndedAt is not null
            && Store.GetTask(run.Key, task)?.State is not TaskState.Running, guard.Token);
        return (Log(ds, task), Store.GetTask(run.Key, task)!.State);
    }

    public string Log(DateOnly ds, string task) => Store.ReadLog(new RunKey(Dag.Name, ds.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc)), task);

    public async Task<List<object?[]>> QueryAsync(string sql) => (await Warehouse.QueryAsync(sql, CancellationToken.None)).Rows.ToList();

    public async ValueTask DisposeAsync()
    {
        await Engine.DisposeAsync();
        Store.Dispose();
        await _services.DisposeAsync();
        await Warehouse.DisposeAsync();
        _guard.Dispose();
        _dir.Dispose();
    }
}
