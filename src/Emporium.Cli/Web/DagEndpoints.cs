using System.Text.Json;
using Emporium.Cli.Hosting;
using Emporium.Cli.Web.Auth;
using Emporium.Orchestration;

namespace Emporium.Cli.Web;

/// <summary>The orchestrator's HTTP API under <c>/api/v1/dags</c>: list DAGs, pause/unpause one (<c>PATCH
/// {"paused"}</c>), list/get runs, trigger a run (<c>{"date","params"}</c>), backfill, clear, and read task logs
/// (cancelling runs: <see cref="DagCancelEndpoints"/>).
/// Pausing, triggering, backfilling and clearing need the
/// <c>admin</c> scope when API keys are configured; reading needs <c>read</c>. A scheduler standing by for the
/// scheduler lease answers reads but refuses those commands with 503.</summary>
public sealed class DagEndpoints : IEndpointModule
{
    public ProcessRoles Roles => ProcessRoles.Scheduler;

    public void Map(IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/dags");
        group.MapGet("", (DagEngine engine) => Results.Json(new
            {
                dags = engine.Registry.Dags.Select(d => DagViews.Dag(d, engine.Store, engine.Options.DagsArePausedAtCreation)),
                errors = engine.Registry.Errors,
                unloaded = engine.Unloaded().Select(DagViews.Unloaded),
            }, ApiErrors.Json))
            .RequireScope(Scopes.Read).WithName("Dags").WithSummary("DAGs, their schedules and tasks");

        group.MapGet("/{name}", (string name, DagEngine engine) =>
                engine.Registry.TryGet(name, out var dag) ? Results.Json(DagViews.Dag(dag, engine.Store, engine.Options.DagsArePausedAtCreation), ApiErrors.Json) : UnknownDag(name, engine))
            .RequireScope(Scopes.Read).WithName("Dag").WithSummary("One DAG");

        group.MapPatch("/{name}", async (string name, HttpRequest request, DagEngine engine, CancellationToken ct) =>
            {
                if (!engine.Registry.TryGet(name, out var dag))
                {
                    return UnknownDag(name, engine);
                }
                var (body, error) = await ReadBodyAsync(request, ct);
                if (error is not null)
                {
                    return error;
                }
                if (body.ValueKind != JsonValueKind.Object || !body.TryGetProperty("paused", out var paused) || paused.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
                {
                    return ApiErrors.Problem(400, "invalid paused", "the body must be {\"paused\": true|false}", [ApiErrors.Field("paused", "required boolean")]);
                }
                engine.SetPaused(name, paused.GetBoolean());
                return Results.Json(DagViews.Dag(dag, engine.Store, engine.Options.DagsArePausedAtCreation), ApiErrors.Json);
            })
            .RequireScope(Scopes.Admin).AddEndpointFilter(ActiveSchedulerOnly).WithName("PatchDag").WithSummary("Pause or unpause a DAG's schedule: {\"paused\": true|false}");

        group.MapGet("/{name}/runs", (string name, int? limit, long? offset, DagEngine engine) =>
            {
                // A DAG without a loaded definition still lists its runs (they may wait for it, and can be cancelled).
                if (!engine.Registry.TryGet(name, out var dag) && !engine.Store.HasRuns(name))
                {
                    return UnknownDag(name, engine);
                }
                if (ApiErrors.InvalidPage(limit, offset, MaxRunsLimit, "newer runs") is { } badPage)
                {
                    return badPage;
                }
                var runs = engine.Store.RunsNewestFirst(name, offset ?? 0, limit ?? DefaultRunsLimit)
                    .Select(r => DagViews.Run(r, dag, engine.Store, engine: engine));
                return Results.Json(new { dag = name, runs }, ApiErrors.Json);
            })
            .RequireScope(Scopes.Read).WithName("DagRuns").WithSummary("Runs of a DAG, newest first, with their task states, a page at a time (limit, offset)");

        group.MapGet("/{name}/runs/{date}", (string name, string date, DagEngine engine) =>
                Find(name, date, engine, out var dag, out var run, unloaded: true) ?? Results.Json(DagViews.Run(run!, dag, engine.Store, withTries: true, engine: engine), ApiErrors.Json))
            .RequireScope(Scopes.Read).WithName("DagRun").WithSummary("One run with every try of every task");

        group.MapPost("/{name}/runs", async (string name, HttpRequest request, DagEngine engine, CancellationToken ct) =>
            {
                if (!engine.Registry.TryGet(name, out var dag))
                {
                    return UnknownDag(name, engine);
                }
                var (body, error) = await ReadBodyAsync(request, ct);
                if (error is not null)
                {
                    return error;
                }
                if (!TryDate(body, "date", required: false, out var date, out error))
                {
                    return error!;
                }
                if (!TryParams(body, out var runParams, out error))
                {
                    return error!;
                }
                try
                {
                    var run = engine.Trigger(name, date, runParams);
                    return Results.Json(DagViews.Run(run, dag, engine.Store, engine: engine), ApiErrors.Json, statusCode: 201);
                }
                catch (RunConflictException e)
                {
                    return ApiErrors.Problem(409, "run already active", e.Message, [ApiErrors.Field("date", "a run of this day is active")]);
                }
                catch (FutureRunException e)
                {
                    return ApiErrors.Problem(400, "invalid date", e.Message, [ApiErrors.Field("date", "in the future")]);
                }
                catch (UnknownDagParamException e)
                {
                    return UnknownParams(e);
                }
                catch (InvalidDagParamException e)
                {
                    return InvalidParam(e);
                }
            })
            .RequireScope(Scopes.Admin).AddEndpointFilter(ActiveSchedulerOnly).WithName("TriggerDag").WithSummary("Start (or re-run) the run of one day");

        group.MapPost("/{name}/backfill", async (string name, HttpRequest request, DagEngine engine, CancellationToken ct) =>
            {
                if (!engine.Registry.TryGet(name, out var dag))
                {
                    return UnknownDag(name, engine);
                }
                var (body, error) = await ReadBodyAsync(request, ct);
                if (error is not null)
                {
                    return error;
                }
                if (!TryDate(body, "from", required: true, out var from, out error) || !TryDate(body, "to", required: true, out var to, out error))
                {
                    return error!;
                }
                if (!TryParams(body, out var runParams, out error))
                {
                    return error!;
                }
                if (!TryReprocess(body, out var reprocess, out error))
                {
                    return error!;
                }
                if (to < from)
                {
                    return ApiErrors.Problem(400, "invalid range", "'to' is before 'from'", [ApiErrors.Field("to", "must not be before from")]);
                }
                BackfillResult result;
                try
                {
                    result = engine.Backfill(name, DateOnly.FromDateTime(from!.Value), DateOnly.FromDateTime(to!.Value), runParams, reprocess);
                }
                catch (UnknownDagParamException e)
                {
                    return UnknownParams(e);
                }
                catch (InvalidDagParamException e)
                {
                    return InvalidParam(e);
                }
                catch (ArgumentException e)
                {
                    return ApiErrors.Problem(400, "invalid range", e.Message, [ApiErrors.Field("to", e.Message)]);
                }
                return Results.Json(new
                {
                    dag = name,
                    created = result.Created.Select(r => DagViews.Run(r, dag, engine.Store, engine: engine)),
                    skipped = result.Skipped.Select(s => new { ds = s.Run.Key.DateText, state = DagViews.State(s.Run.State), reason = s.Reason }),
                }, ApiErrors.Json, statusCode: 202);
            })
            .RequireScope(Scopes.Admin).AddEndpointFilter(ActiveSchedulerOnly).WithName("BackfillDag").WithSummary("One run per scheduled day in [from, to]; days that already ran are re-run by reprocess (missing, failed or all)");

        group.MapPost("/{name}/runs/{date}/clear", async (string name, string date, HttpRequest request, DagEngine engine, CancellationToken ct) =>
            {
                if (Find(name, date, engine, out var dag, out var run) is { } missing)
                {
                    return missing;
                }
                var (body, error) = await ReadBodyAsync(request, ct);
                if (error is not null)
                {
                    return error;
                }
                string? task = null;
                if (body.ValueKind == JsonValueKind.Object && body.TryGetProperty("task", out var t) && t.ValueKind != JsonValueKind.Null)
                {
                    if (t.ValueKind != JsonValueKind.String)
                    {
                        return ApiErrors.Problem(400, "invalid task", $"'task' must be a task's name (a string), got {t.GetRawText()}", [ApiErrors.Field("task", "not a string")]);
                    }
                    if (!dag!.HasTask(t.GetString()!))
                    {
                        return ApiErrors.Problem(400, "unknown task", $"DAG '{name}' has no task '{t.GetString()}' (its tasks: {string.Join(", ", dag.Tasks.Select(x => x.Name))})", [ApiErrors.Field("task", "unknown")]);
                    }
                    task = t.GetString();
                }
                try
                {
                    var cleared = engine.Clear(name, run!.LogicalDate, task);
                    return Results.Json(DagViews.Run(cleared, dag, engine.Store, engine: engine), ApiErrors.Json);
                }
                catch (RunConflictException e)
                {
                    return ApiErrors.Problem(409, "task running", e.Message, [ApiErrors.Field("task", "running now")]);
                }
            })
            .RequireScope(Scopes.Admin).AddEndpointFilter(ActiveSchedulerOnly).WithName("ClearDagRun").WithSummary("Clear a task (and its downstream) or a whole run so it runs again");

        group.MapGet("/{name}/runs/{date}/tasks/{task}/logs", (string name, string date, string task, int? @try, int? tail, DagEngine engine) =>
            {
                if (tail is < 1 or > MaxLogTail)
                {
                    return ApiErrors.Problem(400, "invalid tail", $"tail must be between 1 and {MaxLogTail} (the number of last lines to return)", [ApiErrors.Field("tail", $"must be 1..{MaxLogTail}")]);
                }
                if (Find(name, date, engine, out var dag, out var run, unloaded: true) is { } missing)
                {
                    return missing;
                }
                if (dag is null ? engine.Store.GetTask(run!.Key, task) is null : !dag.HasTask(task))
                {
                    return ApiErrors.Problem(404, "unknown task", $"DAG '{name}' has no task '{task}'", [ApiErrors.Field("task", "unknown")]);
                }
                if (@try is { } number && engine.Store.MissingTry(run!.Key, task, number) is { } why)
                {
                    return ApiErrors.Problem(404, "no such try", why, [ApiErrors.Field("try", "not made")]);
                }
                var log = engine.Store.TailLog(run!.Key, task, @try, tail ?? DefaultLogTail);
                return Results.Json(new
                {
                    dag = name,
                    ds = run.Key.DateText,
                    task,
                    tries = engine.Store.Tries(run.Key, task).Select(t => new { @try = t.Try, state = t.State, startedAt = t.StartedAt, endedAt = t.EndedAt, error = t.Error }),
                    totalLines = log.TotalLines,
                    truncated = log.TotalLines > log.Lines.Count,
                    lines = log.Lines,
                }, ApiErrors.Json);
            })
            .RequireScope(Scopes.Read).WithName("DagTaskLogs").WithSummary("The last lines (tail, default 5000) of a task's log in one run (every try, or ?try=N)");
    }

    /// <summary>Lines of a task log answered when <c>tail</c> is not given: a task that logs a line per item (an alert
    /// per changed product: 197,000 lines, 37 MB) would otherwise be one answer of that size for the dashboard.</summary>
    public const int DefaultLogTail = 5_000;

    /// <summary>Runs answered when <c>limit</c> is not given.</summary>
    public const int DefaultRunsLimit = 100;

    /// <summary>Most runs one answer lists: a DAG that ran daily for years, each run with its tasks, would otherwise be
    /// one answer of all of them.</summary>
    public const int MaxRunsLimit = 1_000;

    /// <summary>Most lines one answer may ask for.</summary>
    public const int MaxLogTail = 1_000_000;

    internal static IResult UnknownDag(string name, DagEngine engine)
    {
        var known = engine.Registry.Dags.Select(d => d.Name).ToList();
        if (engine.Unloaded().FirstOrDefault(u => u.Name == name) is { } unloaded)
        {
            return ApiErrors.Problem(404, $"DAG {unloaded.Status}", unloaded.Refusal(), [ApiErrors.Field("name", unloaded.Status == "broken" ? "definition invalid" : "no definition loaded")],
                new Dictionary<string, object?> { ["known"] = known, ["error"] = unloaded.Error });
        }
        return ApiErrors.Problem(404, "unknown DAG", $"no DAG named '{name}'", [ApiErrors.Field("name", "unknown")], new Dictionary<string, object?> { ["known"] = known });
    }

    /// <param name="unloaded">Whether a run of a DAG without a loaded definition is found too (<c>dag</c> is then null):
    /// reading and cancelling it need no definition, running it does.</param>
    internal static IResult? Find(string name, string date, DagEngine engine, out Dag? dag, out DagRunInfo? run, bool unloaded = false)
    {
        run = null;
        if (!engine.Registry.TryGet(name, out dag) && !(unloaded && engine.Store.HasRuns(name)))
        {
            return UnknownDag(name, engine);
        }
        DateTime logicalDate;
        try
        {
            logicalDate = RunKey.ParseDate(date);
        }
        catch (FormatException e)
        {
            return ApiErrors.Problem(400, "invalid date", e.Message, [ApiErrors.Field("date", "expected YYYY-MM-DD")]);
        }
        run = engine.Store.GetRun(engine.KeyFor(name, logicalDate));
        return run is null
            ? ApiErrors.Problem(404, "no such run", $"DAG '{name}' has no run for {date}", [ApiErrors.Field("date", "no run")])
            : null;
    }

    private static async Task<(JsonElement Body, IResult? Error)> ReadBodyAsync(HttpRequest request, CancellationToken ct)
    {
        if (request.ContentLength is 0 || (request.ContentLength is null && !request.Body.CanSeek && request.Headers.ContentType.Count == 0))
        {
            return (default, null);
        }
        try
        {
            using var doc = await JsonDocument.ParseAsync(request.Body, cancellationToken: ct);
            if (doc.RootElement.ValueKind is not (JsonValueKind.Object or JsonValueKind.Null))
            {
                return (default, ApiErrors.Problem(400, "invalid body", "the body must be a JSON object", [ApiErrors.Field("body", "not an object")]));
            }
            return (doc.RootElement.Clone(), null);
        }
        catch (JsonException e)
        {
            return (default, ApiErrors.InvalidJson(e, "a JSON object"));
        }
    }

    private static bool TryDate(JsonElement body, string field, bool required, out DateTime? date, out IResult? error)
    {
        date = null;
        error = null;
        if (body.ValueKind != JsonValueKind.Object || !body.TryGetProperty(field, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            if (required)
            {
                error = ApiErrors.Problem(400, $"missing {field}", $"'{field}' (YYYY-MM-DD) is required", [ApiErrors.Field(field, "required")]);
            }
            return !required;
        }
        try
        {
            date = value.ValueKind == JsonValueKind.String ? RunKey.ParseDate(value.GetString()!) : throw new FormatException($"'{field}' must be a string");
            return true;
        }
        catch (FormatException e)
        {
            error = ApiErrors.Problem(400, $"invalid {field}", e.Message, [ApiErrors.Field(field, "expected YYYY-MM-DD")]);
            return false;
        }
    }

    private static bool TryReprocess(JsonElement body, out BackfillReprocess reprocess, out IResult? error)
    {
        reprocess = BackfillReprocess.Failed;
        error = null;
        if (body.ValueKind != JsonValueKind.Object || !body.TryGetProperty("reprocess", out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return true;
        }
        if (value.ValueKind == JsonValueKind.String && BackfillReprocessNames.TryParse(value.GetString(), out reprocess))
        {
            return true;
        }
        error = ApiErrors.Problem(400, "invalid reprocess", $"'reprocess' must be {BackfillReprocessNames.Choices}, got {value.GetRawText()}", [ApiErrors.Field("reprocess", $"expected {BackfillReprocessNames.Choices}")]);
        return false;
    }

    private static IResult InvalidParam(InvalidDagParamException e) =>
        ApiErrors.Problem(400, "invalid params", e.Message, [ApiErrors.Field($"params.{e.Param}", "out of range or not of its type")]);

    private static IResult UnknownParams(UnknownDagParamException e) =>
        ApiErrors.Problem(400, "unknown params", e.Message, [.. e.Unknown.Select(name => ApiErrors.Field($"params.{name}", "the DAG has no such parameter"))]);

    private static bool TryParams(JsonElement body, out Dictionary<string, string?> runParams, out IResult? error)
    {
        runParams = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        error = null;
        if (body.ValueKind != JsonValueKind.Object || !body.TryGetProperty("params", out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return true;
        }
        if (value.ValueKind != JsonValueKind.Object)
        {
            error = ApiErrors.Problem(400, "invalid params", "'params' must be an object of names to values", [ApiErrors.Field("params", "not an object")]);
            return false;
        }
        foreach (var p in value.EnumerateObject())
        {
            runParams[p.Name] = p.Value.ValueKind switch
            {
                JsonValueKind.String => p.Value.GetString(),
                JsonValueKind.Null => null,
                JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => p.Value.GetRawText(),
                _ => null,
            };
            if (p.Value.ValueKind is JsonValueKind.Object or JsonValueKind.Array)
            {
                error = ApiErrors.Problem(400, "invalid params", $"param '{p.Name}' must be a string, number or boolean", [ApiErrors.Field($"params.{p.Name}", "not a scalar")]);
                return false;
            }
        }
        return true;
    }

    /// <summary>A scheduler standing by (another process holds the scheduler lease) keeps a run history of its own that
    /// no engine works on: a command it accepted would wait there, unseen by the active scheduler, until this one took
    /// over. It refuses instead, and says where to send the command.</summary>
    internal static async ValueTask<object?> ActiveSchedulerOnly(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        if (context.HttpContext.RequestServices.GetRequiredService<DagEngine>().IsStarted)
        {
            return await next(context);
        }
        context.HttpContext.Response.Headers.RetryAfter = StandbyRetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return ApiErrors.Problem(503, "scheduler standing by",
            "another Emporium process holds the scheduler lease and runs the DAGs; send DAG commands to it (this process takes over once the lease is released)");
    }

    private const int StandbyRetryAfterSeconds = 5;
}
