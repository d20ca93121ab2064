using System.Collections.Concurrent;
using System.Threading.Channels;
using Emporium.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Emporium.Orchestration;

/// <summary>Schedules and executes DAG runs against an <see cref="OrchestratorStore"/>. One loop owns all decisions
/// (which runs start, which tasks are ready); it sleeps until a task finishes, a command arrives or the next schedule
/// boundary — it never polls — so a downstream task starts as soon as its upstream's success is durable.</summary>
public sealed partial class DagEngine : IAsyncDisposable
{
    private readonly object gate = new();
    private readonly HashSet<RunKey> active = [];
    private readonly HashSet<RunKey> own = [];
    private readonly Dictionary<(RunKey Run, string Task), CancellationTokenSource> executing = [];
    private readonly ConcurrentDictionary<Task, byte> inflight = new();
    private readonly Dictionary<string, DateTime?> nextScheduleCheck = new(StringComparer.Ordinal);
    /// <summary>DAGs whose catch-up waits for room under max_active_runs: a run of theirs that ends asks again.</summary>
    private readonly HashSet<string> catchingUp = new(StringComparer.Ordinal);
    private readonly Dictionary<string, IReadOnlyList<DagTask>> topological = new(StringComparer.Ordinal);
    private readonly Channel<bool> wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private readonly SemaphoreSlim slots;
    private readonly CancellationTokenSource stopping = new();
    private readonly ILogger log;
    private readonly RecurringFailureLog evaluationFailures;
    private readonly RecurringFailureLog journalFailures;
    private readonly ILoggerFactory loggers;
    private readonly DagParamResolver parameters;
    private TaskCompletionSource changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Task? loop;
    private int disposed;

    public DagEngine(
        DagRegistry registry,
        OrchestratorStore store,
        OrchestratorOptions? options = null,
        IServiceProvider? services = null,
        TimeProvider? time = null,
        DagParamResolver? parameters = null,
        ILoggerFactory? loggers = null)
    {
        if (store.IsReadOnly)
        {
            throw new ArgumentException("the engine needs the store opened for writing", nameof(store));
        }
        Registry = registry;
        Store = store;
        Options = options ?? new OrchestratorOptions();
        Services = services ?? EmptyServices.Instance;
        Time = time ?? TimeProvider.System;
        this.parameters = parameters ?? DagParamResolver.Empty;
        foreach (var dag in registry.Dags)
        {
            // Settings are read once, so a value out of range is refused now rather than by the first run.
            DagParamValue.Check(dag, this.parameters.Resolve(dag, null), $"settings Dags:{dag.Name}");
        }
        this.loggers = loggers ?? NullLoggerFactory.Instance;
        log = this.loggers.CreateLogger("Emporium.Orchestration");
        evaluationFailures = new RecurringFailureLog(log, "scheduler evaluation", Time);
        journalFailures = new RecurringFailureLog(log, "orchestrator journal write", Time);
        slots = new SemaphoreSlim(Math.Max(1, Options.Parallelism));
        foreach (var error in registry.Errors)
        {
            log.LogError("DAG definition skipped: {Error}", error);
        }
    }

    public DagRegistry Registry { get; }

    public OrchestratorStore Store { get; }

    public OrchestratorOptions Options { get; }

    public IServiceProvider Services { get; }

    public TimeProvider Time { get; }

    private DateTime Now => Time.GetUtcNow().UtcDateTime;

    /// <summary>Whether <see cref="Start"/> ran: a scheduler standing by for the scheduler lease has an engine that was
    /// never started.</summary>
    public bool IsStarted
    {
        get
        {
            lock (gate)
            {
                return loop is not null;
            }
        }
    }

    /// <summary>Resume what a previous process left (tries found running become interrupted and are tried again) and
    /// start the loop.</summary>
    public void Start()
    {
        lock (gate)
        {
            if (loop is not null)
            {
                throw new InvalidOperationException("the engine is already started");
            }
            Recover();
            ReportUnloaded();
            if (Options.Scheduling)
            {
                RecordFirstSeen();
            }
            loop = Task.Run(() => LoopAsync(stopping.Token));
        }
    }

    /// <summary>Completes when <paramref name="condition"/> holds, re-checking after every state change.</summary>
    public async Task WaitUntilAsync(Func<bool> condition, CancellationToken cancellationToken = default)
    {
        while (true)
        {
            var next = Volatile.Read(ref changed).Task;
            if (condition())
            {
                return;
            }
            await next.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Completes with the run once it succeeded or failed.</summary>
    public async Task<DagRunInfo> WaitForRunAsync(RunKey run, CancellationToken cancellationToken = default)
    {
        DagRunInfo? result = null;
        await WaitUntilAsync(() => (result = Store.GetRun(run)) is { State: RunState.Success or RunState.Failed } && !IsActive(run), cancellationToken).ConfigureAwait(false);
        return result!;
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref disposed, 1) == 1)
        {
            return;
        }
        await stopping.CancelAsync().ConfigureAwait(false);
        if (loop is not null)
        {
            await loop.ConfigureAwait(false);
        }
        try
        {
            await Task.WhenAll(inflight.Keys).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            log.LogDebug(ex, "task ended while stopping");
        }
        stopping.Dispose();
    }

    private bool IsActive(RunKey run)
    {
        lock (gate)
        {
            return active.Contains(run);
        }
    }

    private void Wake() => wake.Writer.TryWrite(true);

    private void NotifyChanged()
    {
        var previous = Interlocked.Exchange(ref changed, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        previous.TrySetResult();
    }

    private async Task LoopAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            DateTime? wakeAt = null;
            try
            {
                lock (gate)
                {
                    wakeAt = Evaluate();
                }
                evaluationFailures.Succeeded();
            }
            catch (Exception ex)
            {
                // A bug in one evaluation must not stop scheduling for good; the next event retries it, and so does a
                // timer: a run's end the journal could not take (a full disk) has no other event to come.
                evaluationFailures.Failed(ex, $"retried at the next event or in {JournalRetryDelay}", LogLevel.Error);
                wakeAt = Now + JournalRetryDelay;
            }
            NotifyChanged();
            try
            {
                await SleepAsync(wakeAt, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                break;
            }
        }
    }

    private async Task SleepAsync(DateTime? wakeAt, CancellationToken cancellationToken)
    {
        if (wake.Reader.TryRead(out _))
        {
            return;
        }
        var signal = wake.Reader.WaitToReadAsync(cancellationToken).AsTask();
        if (wakeAt is { } at)
        {
            var delay = at - Now;
            if (delay <= TimeSpan.Zero)
            {
                return;
            }
            using var timerCancel = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var timer = Task.Delay(delay > TimeSpan.FromDays(1) ? TimeSpan.FromDays(1) : delay, Time, timerCancel.Token);
            await Task.WhenAny(signal, timer).ConfigureAwait(false);
            await timerCancel.CancelAsync().ConfigureAwait(false);
            cancellationToken.ThrowIfCancellationRequested();
        }
        else
        {
            await signal.ConfigureAwait(false);
        }
        wake.Reader.TryRead(out _);
    }

    private IReadOnlyList<DagTask> Ordered(Dag dag)
    {
        if (!topological.TryGetValue(dag.Name, out var order))
        {
            var done = new HashSet<string>(StringComparer.Ordinal);
            var list = new List<DagTask>();
            while (list.Count < dag.Tasks.Count)
            {
                foreach (var task in dag.Tasks.Where(t => !done.Contains(t.Name) && t.Upstream.All(done.Contains)))
                {
                    done.Add(task.Name);
                    list.Add(task);
                }
            }
            topological[dag.Name] = order = list;
        }
        return order;
    }

    private sealed class EmptyServices : IServiceProvider
    {
        public static readonly EmptyServices Instance = new();

        public object? GetService(Type serviceType) => null;
    }
}
