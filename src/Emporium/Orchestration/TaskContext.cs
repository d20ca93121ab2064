using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace Emporium.Orchestration;

/// <summary>What a task sees while it runs: its logical date, parameters, logger, outputs of other tasks, services.</summary>
public sealed class TaskContext
{
    private readonly IXComStore xcoms;

    public TaskContext(
        RunKey run,
        string runId,
        string task,
        int tryNumber,
        IReadOnlyDictionary<string, string?> parameters,
        ILogger log,
        IXComStore xcoms,
        IServiceProvider services,
        TimeProvider time,
        CancellationToken cancellationToken)
    {
        Run = run;
        RunId = runId;
        TaskName = task;
        TryNumber = tryNumber;
        Params = parameters;
        Log = log;
        this.xcoms = xcoms;
        Services = services;
        Time = time;
        CancellationToken = cancellationToken;
    }

    public RunKey Run { get; }

    public string DagName => Run.Dag;

    public string TaskName { get; }

    /// <summary>Unique id of the run, e.g. <c>scheduled__2024-01-01</c> or <c>manual__2024-01-01</c>.</summary>
    public string RunId { get; }

    /// <summary>1 for the first try, 2 for the first retry…</summary>
    public int TryNumber { get; }

    /// <summary>Logical date: the start of the interval this run covers (UTC).</summary>
    public DateTime LogicalDate => Run.LogicalDate;

    /// <summary>The logical date's day (Airflow's <c>ds</c>).</summary>
    public DateOnly Ds => DateOnly.FromDateTime(Run.LogicalDate);

    /// <summary><c>yyyy-MM-dd</c> form of <see cref="Ds"/>.</summary>
    public string DsString => Run.Ds;

    /// <summary><c>yyyyMMdd</c> form of <see cref="Ds"/>.</summary>
    public string DsNoDash => Run.LogicalDate.ToString("yyyyMMdd", CultureInfo.InvariantCulture);

    /// <summary>Effective parameters: DAG defaults ← configuration (<c>emporium.json</c>, <c>EMPORIUM__DAGS__…</c>) ← run params.</summary>
    public IReadOnlyDictionary<string, string?> Params { get; }

    /// <summary>Persisted per try; read back with <c>emporium dag logs</c> or the HTTP logs endpoint.</summary>
    public ILogger Log { get; }

    public IServiceProvider Services { get; }

    public TimeProvider Time { get; }

    /// <summary>Cancelled on timeout (a sensor's timeout too), a cancel by hand or shutdown; pass it to every awaited call.</summary>
    public CancellationToken CancellationToken { get; }

    /// <summary>The same context with another token: a sensor's check sees the sensor's timeout, which the try's token
    /// does not.</summary>
    internal TaskContext WithCancellation(CancellationToken cancellationToken) =>
        new(Run, RunId, TaskName, TryNumber, Params, Log, xcoms, Services, Time, cancellationToken);

    /// <summary>A parameter's value; throws <see cref="DagParameterException"/> (no retry) with the parameter's name when
    /// it is missing or empty.</summary>
    public string Param(string key) =>
        Params.TryGetValue(key, out var value) && !string.IsNullOrEmpty(value)
            ? value
            : throw new DagParameterException($"DAG '{DagName}' task '{TaskName}': parameter '{key}' is not set (DAG default, emporium.json Dags:{DagName}:{key}, EMPORIUM__DAGS__{DagName.ToUpperInvariant()}__{key.ToUpperInvariant()} or --param {key}=…)");

    /// <summary>A parameter converted to <typeparamref name="T"/> (invariant culture), or <paramref name="fallback"/> when unset.</summary>
    public T Param<T>(string key, T fallback)
    {
        if (!Params.TryGetValue(key, out var value) || string.IsNullOrEmpty(value))
        {
            return fallback;
        }
        return (T)DagParamValue.Parse(DagName, key, value, Nullable.GetUnderlyingType(typeof(T)) ?? typeof(T));
    }

    /// <summary>Path of this run's partition in a lake zone: <c>&lt;zone&gt;/&lt;dataset&gt;/ds=yyyy-MM-dd</c>.</summary>
    public string PartitionPath(string zone, string dataset) => $"{zone}/{dataset}/ds={DsString}";

    /// <summary>Publish an output (serialised as JSON, persisted) for downstream tasks of this run.</summary>
    public void Push<T>(string key, T value) => xcoms.Push(Run, TaskName, key, JsonSerializer.Serialize(value, XComJson.Options));

    /// <summary>An output pushed by <paramref name="task"/> in this run; throws when there is none.</summary>
    public T Pull<T>(string task, string key) =>
        TryPull<T>(task, key, out var value)
            ? value
            : throw new InvalidOperationException($"DAG '{DagName}' run {Run.DateText}: task '{task}' pushed no output '{key}'");

    public bool TryPull<T>(string task, string key, out T value)
    {
        if (xcoms.TryPull(Run, task, key, out var json))
        {
            value = JsonSerializer.Deserialize<T>(json, XComJson.Options)!;
            return true;
        }
        value = default!;
        return false;
    }
}
