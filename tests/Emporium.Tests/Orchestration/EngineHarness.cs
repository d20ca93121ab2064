using Emporium.Orchestration;
using Emporium.Tests.TestSupport;

namespace Emporium.Tests.Orchestration;

/// <summary>A store in a temp dir, a fake clock and an engine over the given DAGs. Waits are bounded only so a broken
/// engine fails the test instead of hanging it; no assertion depends on wall-clock time.</summary>
public sealed class EngineHarness : IAsyncDisposable
{
    public static readonly DateTimeOffset Epoch = new(2024, 1, 10, 0, 0, 0, TimeSpan.Zero);

    private readonly TempDir dir = new("orchestrator");
    private readonly CancellationTokenSource guard = new(TimeSpan.FromSeconds(60));
    private readonly OrchestratorOptions options;
    private readonly DagParamResolver? parameters;

    public EngineHarness(IEnumerable<Dag> dags, OrchestratorOptions? options = null, DateTimeOffset? now = null, DagParamResolver? parameters = null)
    {
        Registry = new DagRegistry(dags);
        Assert.Empty(Registry.Errors);
        Clock = new TestClock(now ?? Epoch);
        this.options = options ?? new OrchestratorOptions { Scheduling = false };
        this.parameters = parameters;
        Store = OrchestratorStore.Open(MetaDir);
        Engine = new DagEngine(Registry, Store, this.options, time: Clock, parameters: parameters);
    }

    public DagRegistry Registry { get; }

    public TestClock Clock { get; }

    public OrchestratorStore Store { get; private set; }

    public DagEngine Engine { get; private set; }

    public string MetaDir => dir.Combine("meta", "orchestrator");

    public CancellationToken Guard => guard.Token;

    public static DateTime Day(int year, int month, int day) => new(year, month, day, 0, 0, 0, DateTimeKind.Utc);

    public EngineHarness Start()
    {
        Engine.Start();
        return this;
    }

    public Task<DagRunInfo> RunToEnd(RunKey run) => Engine.WaitForRunAsync(run, Guard);

    public Task Until(Func<bool> condition) => Engine.WaitUntilAsync(condition, Guard);

    public TaskInstanceInfo? Task(RunKey run, string task) => Store.GetTask(run, task);

    public IReadOnlyList<TaskTryInfo> Tries(RunKey run, string task) => Store.Tries(run, task);

    /// <summary>Stops the engine as a crash would leave things (no completion recorded), then opens a new store and
    /// engine on the same directory — optionally with different DAG definitions.</summary>
    public async Task RestartAsync(IEnumerable<Dag>? dags = null)
    {
        await Engine.DisposeAsync();
        Store.Dispose();
        Store = OrchestratorStore.Open(MetaDir);
        Engine = new DagEngine(dags is null ? Registry : new DagRegistry(dags), Store, options, time: Clock, parameters: parameters);
        Engine.Start();
    }

    public async ValueTask DisposeAsync()
    {
        await Engine.DisposeAsync();
        Store.Dispose();
        guard.Dispose();
        dir.Dispose();
    }
}
