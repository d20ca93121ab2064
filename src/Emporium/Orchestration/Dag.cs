using System.Text.RegularExpressions;
using Emporium.Configuration;

namespace Emporium.Orchestration;

/// <summary>A DAG: tasks with dependencies, a schedule and parameters. Built fluently:
/// <code>
/// Dag.Create("reviews_batch").Schedule("@daily").StartDate(new DateOnly(2024, 1, 1)).DependsOnPast().MaxActiveRuns(1)
///    .Param("landing", "landing/reviews")
///    .Task("extract", async ctx => { … }, t => t.Retries(1, TimeSpan.FromMinutes(5)))
///    .Sensor("wait_clean", ctx => File.Exists(…), poke: TimeSpan.FromSeconds(5), timeout: TimeSpan.FromSeconds(60))
///    .Task("load", async ctx => { … }).DependsOn("extract", "wait_clean");
/// </code>
/// Names are lower-case identifiers (<c>[a-z0-9_]</c>, as they appear in lake paths and URLs).</summary>
public sealed partial class Dag
{
    private readonly List<DagTask> tasks = [];
    private readonly Dictionary<string, string?> parameters = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, (Type Type, SettingRangeAttribute Range)> ranges = new(StringComparer.OrdinalIgnoreCase);

    private Dag(string name)
    {
        CheckName(name, name, "DAG");
        Name = name;
    }

    public string Name { get; }

    public string? Description { get; private set; }

    public DagSchedule ScheduleInterval { get; private set; } = DagSchedule.None;

    /// <summary>First logical date the scheduler considers (UTC midnight of that day). Default 2000-01-01.</summary>
    public DateOnly Start { get; private set; } = new(2000, 1, 1);

    /// <summary>Create a run for every missed interval since the last one (true) or only the latest (false, default).</summary>
    public bool CatchupEnabled { get; private set; }

    /// <summary>Runs of this DAG executing at the same time. Default 16 (as Airflow).</summary>
    public int MaxActive { get; private set; } = 16;

    /// <summary>A task starts only once the same task succeeded in the previous run. Default false.</summary>
    public bool PastDependency { get; private set; }

    /// <summary>Default parameter values (overridden by configuration, then by the run's own params).</summary>
    public IReadOnlyDictionary<string, string?> Params => parameters;

    /// <summary>Tasks in definition order.</summary>
    public IReadOnlyList<DagTask> Tasks => tasks;

    public static Dag Create(string name) => new(name);

    public Dag Describe(string description)
    {
        Description = description;
        return this;
    }

    /// <summary>A cron expression, <c>@daily</c>/<c>@hourly</c>/…, <c>@once</c>, or <c>none</c>/null (manual only).</summary>
    public Dag Schedule(string? schedule) => Schedule(schedule, timeZone: null);

    /// <summary>A cron expression or macro read in <paramref name="timeZone"/> (an IANA name, <c>Europe/Berlin</c>):
    /// <c>Schedule("30 2 * * *", "Europe/Berlin")</c> runs at 02:30 Berlin time in winter and in summer. Null for UTC.</summary>
    public Dag Schedule(string? schedule, string? timeZone)
    {
        try
        {
            ScheduleInterval = DagSchedule.Parse(schedule, timeZone);
        }
        catch (FormatException ex)
        {
            throw new DagDefinitionException(Name, ex.Message);
        }
        return this;
    }

    public Dag StartDate(DateOnly start)
    {
        Start = start;
        return this;
    }

    public Dag Catchup(bool catchup = true)
    {
        CatchupEnabled = catchup;
        return this;
    }

    public Dag MaxActiveRuns(int runs)
    {
        if (runs < 1)
        {
            throw new DagDefinitionException(Name, "max_active_runs must be at least 1");
        }
        MaxActive = runs;
        return this;
    }

    public Dag DependsOnPast(bool dependsOnPast = true)
    {
        PastDependency = dependsOnPast;
        return this;
    }

    /// <summary>The parameters declared with a range, with the type of their default: a run or setting giving one a value
    /// outside it is refused (<see cref="DagParamValue.Check"/>).</summary>
    public IReadOnlyDictionary<string, (Type Type, SettingRangeAttribute Range)> ParamRanges => ranges;

    /// <summary>Declare a parameter with its default. Tasks read it with <see cref="TaskContext.Param(string)"/>. With a
    /// <paramref name="range"/> (of the default's type), values outside it are refused when a run is triggered and
    /// when settings give them at start-up.</summary>
    public Dag Param(string key, object? defaultValue, SettingRangeAttribute? range = null)
    {
        if (range is not null)
        {
            ranges[key] = (defaultValue?.GetType() ?? throw new DagDefinitionException(Name, $"parameter '{key}' has a range but no default to give its type"), range);
        }
        parameters[key] = defaultValue switch
        {
            null => null,
            IFormattable f => f.ToString(null, System.Globalization.CultureInfo.InvariantCulture),
            _ => defaultValue.ToString(),
        };
        return this;
    }

    /// <summary>Add a task. Further settings (retries, timeout, dependencies) in <paramref name="configure"/>.</summary>
    public Dag Task(string name, Func<TaskContext, Task> action, Action<TaskOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(action);
        return Add(new DagTask(name, TaskKind.Task, async ctx =>
        {
            await action(ctx).ConfigureAwait(false);
            return true;
        }), configure);
    }

    /// <summary>Add a sensor: <paramref name="condition"/> is poked every <paramref name="poke"/> until it returns
    /// true; if it has not after <paramref name="timeout"/>, the task fails (no retry — the wait is the retry).</summary>
    public Dag Sensor(string name, Func<TaskContext, Task<bool>> condition, TimeSpan poke, TimeSpan timeout, Action<TaskOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(condition);
        if (poke <= TimeSpan.Zero || timeout <= TimeSpan.Zero)
        {
            throw new DagDefinitionException(Name, $"sensor '{name}': poke interval and timeout must be positive");
        }
        if (poke > TaskPipelines.MaxTimeout || timeout > TaskPipelines.MaxTimeout)
        {
            // Polly's bound: a longer one was cut to a day in silence, the sensor failing a day early.
            throw new DagDefinitionException(Name, $"sensor '{name}': poke interval and timeout must be at most {TaskPipelines.MaxTimeout}, got {poke} and {timeout}");
        }
        var task = new DagTask(name, TaskKind.Sensor, condition) { PokeInterval = poke, SensorTimeout = timeout };
        return Add(task, configure);
    }

    /// <summary>Synchronous-condition sensor (e.g. <c>ctx => File.Exists(path)</c>).</summary>
    public Dag Sensor(string name, Func<TaskContext, bool> condition, TimeSpan poke, TimeSpan timeout, Action<TaskOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(condition);
        return Sensor(name, ctx => System.Threading.Tasks.Task.FromResult(condition(ctx)), poke, timeout, configure);
    }

    /// <summary>The task added last runs after <paramref name="upstream"/> succeeded.</summary>
    public Dag DependsOn(params string[] upstream)
    {
        if (tasks.Count == 0)
        {
            throw new DagDefinitionException(Name, "DependsOn must follow a Task or Sensor");
        }
        new TaskOptions(tasks[^1]).DependsOn(upstream);
        return this;
    }

    public DagTask GetTask(string name) =>
        tasks.Find(t => t.Name.Equals(name, StringComparison.Ordinal))
        ?? throw new KeyNotFoundException($"DAG '{Name}' has no task '{name}'");

    public bool HasTask(string name) => tasks.Exists(t => t.Name.Equals(name, StringComparison.Ordinal));

    /// <summary>Tasks downstream of <paramref name="task"/> (transitively), excluding itself.</summary>
    public IReadOnlySet<string> Downstream(string task)
    {
        var result = new HashSet<string>(StringComparer.Ordinal);
        var pending = new Queue<string>([task]);
        while (pending.TryDequeue(out var current))
        {
            foreach (var t in tasks.Where(t => t.Upstream.Contains(current) && result.Add(t.Name)))
            {
                pending.Enqueue(t.Name);
            }
        }
        return result;
    }

    /// <summary>Checks names, dependencies and acyclicity; throws <see cref="DagDefinitionException"/>.</summary>
    public Dag Validate()
    {
        if (tasks.Count == 0)
        {
            throw new DagDefinitionException(Name, "has no tasks");
        }
        foreach (var task in tasks)
        {
            foreach (var up in task.Upstream)
            {
                if (!HasTask(up))
                {
                    throw new DagDefinitionException(Name, $"task '{task.Name}' depends on unknown task '{up}'");
                }
                if (up == task.Name)
                {
                    throw new DagDefinitionException(Name, $"task '{task.Name}' depends on itself");
                }
            }
        }
        // Kahn's algorithm: whatever cannot be ordered sits on a cycle.
        var indegree = tasks.ToDictionary(t => t.Name, t => t.Upstream.Count, StringComparer.Ordinal);
        var ready = new Queue<string>(indegree.Where(kv => kv.Value == 0).Select(kv => kv.Key));
        var ordered = 0;
        while (ready.TryDequeue(out var name))
        {
            ordered++;
            foreach (var t in tasks.Where(t => t.Upstream.Contains(name)))
            {
                if (--indegree[t.Name] == 0)
                {
                    ready.Enqueue(t.Name);
                }
            }
        }
        if (ordered != tasks.Count)
        {
            throw new DagDefinitionException(Name, $"dependency cycle: {string.Join(" → ", Cycle(indegree.Where(kv => kv.Value > 0).Select(kv => kv.Key).ToHashSet()))}");
        }
        return this;
    }

    /// <summary>One cycle among the tasks Kahn's algorithm could not order, in run order, its first task repeated at the
    /// end. Those tasks are the cycles and whatever depends on them; each has an upstream among them, so walking
    /// upstream from any of them comes back to a task already seen, which closes a cycle.</summary>
    private List<string> Cycle(HashSet<string> unordered)
    {
        var path = new List<string> { unordered.Order(StringComparer.Ordinal).First() };
        while (true)
        {
            var up = GetTask(path[^1]).Upstream.First(unordered.Contains);
            var seen = path.IndexOf(up);
            if (seen >= 0)
            {
                var cycle = path[seen..];
                cycle.Reverse();
                cycle.Add(cycle[0]);
                return cycle;
            }
            path.Add(up);
        }
    }

    private Dag Add(DagTask task, Action<TaskOptions>? configure)
    {
        CheckName(Name, task.Name, "task");
        if (HasTask(task.Name))
        {
            throw new DagDefinitionException(Name, $"duplicate task '{task.Name}'");
        }
        try
        {
            configure?.Invoke(new TaskOptions(task));
        }
        catch (ArgumentException ex)
        {
            // Said as the other definition errors are, naming the DAG and the task (discovery lists it and goes on).
            throw new DagDefinitionException(Name, $"task '{task.Name}': {ex.Message}");
        }
        if (task is { Kind: TaskKind.Sensor, Timeout: { } ignored })
        {
            // The engine times a sensor by its own timeout only: this one was kept, listed by the API, and never applied.
            throw new DagDefinitionException(Name,
                $"sensor '{task.Name}': Timeout({ignored}) does not apply to a sensor; its time limit is the timeout given to Sensor ({task.SensorTimeout})");
        }
        tasks.Add(task);
        return this;
    }

    private static void CheckName(string dag, string name, string what)
    {
        if (string.IsNullOrEmpty(name) || !NamePattern().IsMatch(name))
        {
            throw new DagDefinitionException(dag, $"{what} name '{name}' must match [a-z0-9_]+ (it appears in lake paths and URLs)");
        }
    }

    [GeneratedRegex("^[a-z0-9_]+$")]
    private static partial Regex NamePattern();
}
