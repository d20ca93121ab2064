using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Emporium.Cli.Commands.Client;
using Emporium.Cli.Commands.Dags;
using Emporium.Cli.Hosting;
using Emporium.Cli.Web;
using Emporium.Orchestration;
using Emporium.Warehouse;
using Spectre.Console;

namespace Emporium.Cli.Commands;

/// <summary><c>emporium dag list|run|backfill|runs|logs|clear|pause|unpause</c>. Commands go through the server that owns the data
/// dir (or --url); without one, run/backfill/clear execute in this process (holding the data dir) and runs/logs read
/// the metadata store directly.</summary>
public sealed class DagCommand : ICliCommand
{
    public Command Build()
    {
        var command = new Command("dag", "List, run, backfill and inspect DAGs of the orchestrator");
        command.Subcommands.Add(List());
        command.Subcommands.Add(Run());
        command.Subcommands.Add(Backfill());
        command.Subcommands.Add(Runs());
        command.Subcommands.Add(Logs());
        command.Subcommands.Add(Clear());
        command.Subcommands.Add(Cancel());
        command.Subcommands.Add(Pause(paused: true));
        command.Subcommands.Add(Pause(paused: false));
        return command;
    }

    private static Command List()
    {
        var (data, url, key) = (CommonOptions.Data(), CommonOptions.Url(), CommonOptions.ApiKey());
        var json = new Option<bool>("--json") { Description = "Print the API's JSON" };
        var command = new Command("list", "DAGs with their schedule, tasks and last run") { data, url, key, json };
        command.SetAction((parse, ct) => Guard("dag list", async () =>
        {
            if (Server(parse.GetValue(url), parse.GetValue(data)) is { } server)
            {
                using var client = new EmporiumClient(server, ServerLocator.ApiKey(parse.GetValue(key)));
                var body = await new DagApiClient(client).ListAsync(ct);
                PrintDags(body, parse.GetValue(json));
                return 0;
            }
            var dataDir = EmporiumConfiguration.ResolveDataDir(parse.GetValue(data));
            var registry = DagRegistry.Discover(pluginDirectory: Path.Combine(dataDir, "dags"));
            using var store = OrchestratorStore.OpenReadOnly(OrchestratorStore.DirectoryFor(dataDir));
            var pausedByDefault = OrchestratorServiceModule.Settings(EmporiumConfiguration.Build(dataDir)).DagsArePausedAtCreation;
            var local = JsonSerializer.SerializeToElement(new
            {
                dags = registry.Dags.Select(d => DagViews.Dag(d, store, pausedByDefault)),
                errors = registry.Errors,
                unloaded = UnloadedDag.Find(registry, store).Select(DagViews.Unloaded),
            }, ApiErrors.Json);
            PrintDags(local, parse.GetValue(json));
            return 0;
        }));
        return command;
    }

    private static Command Run()
    {
        var name = new Argument<string>("name") { Description = "DAG name" };
        var date = new Option<string?>("--date") { Description = "Logical date YYYY-MM-DD (default: the latest interval that has ended, e.g. yesterday for @daily; today for a DAG without a schedule)" };
        var param = ParamOption();
        var noWait = new Option<bool>("--no-wait") { Description = "Return once the run is queued (server only)" };
        var (data, url, key) = (CommonOptions.Data(), CommonOptions.Url(), CommonOptions.ApiKey());
        var command = new Command("run", "Run a DAG for one day (re-running a day replaces its results); exit 1 if the run fails")
        {
            name, date, param, noWait, data, url, key,
        };
        command.SetAction((parse, ct) => Guard("dag run", async () =>
        {
            var dag = parse.GetValue(name)!;
            var logical = parse.GetValue(date) is { } d ? RunKey.ParseDate(d) : (DateTime?)null;
            var runParams = ParseParams(parse.GetValue(param));
            if (Server(parse.GetValue(url), parse.GetValue(data)) is { } server)
            {
                using var client = new EmporiumClient(server, ServerLocator.ApiKey(parse.GetValue(key)));
                var api = new DagApiClient(client);
                var run = await api.TriggerAsync(dag, logical is null ? null : new RunKey(dag, logical.Value).DateText, runParams, ct);
                var ds = run.GetProperty("ds").GetString()!;
                Console.Out.WriteLine($"{dag} {ds}: {run.GetProperty("runId").GetString()} queued on {server}");
                return parse.GetValue(noWait) ? 0 : await api.WaitAsync(dag, ds, Console.Out, ct) == "success" ? 0 : 1;
            }
            await using var local = await LocalOrchestrator.OpenAsync(EmporiumConfiguration.ResolveDataDir(parse.GetValue(data)), ct);
            var started = local.Engine.Trigger(dag, logical, runParams);
            Console.Out.WriteLine($"{dag} {started.Key.DateText}: {started.RunId} running in this process");
            var ended = await RunWatcher.WatchAsync(local.Engine, [started.Key], Console.Out, ct);
            return ended.All(r => r.State == RunState.Success) ? 0 : 1;
        }));
        return command;
    }

    private static Command Backfill()
    {
        var name = new Argument<string>("name") { Description = "DAG name" };
        var from = new Option<string>("--from") { Description = "First day YYYY-MM-DD", Required = true };
        var to = new Option<string>("--to") { Description = "Last day YYYY-MM-DD (inclusive)", Required = true };
        var reprocess = new Option<string>("--reprocess")
        {
            Description = "Days that already ran: missing (leave them), failed (re-run failed ones) or all (re-run every one); an active run is never touched",
            DefaultValueFactory = _ => BackfillReprocessNames.Name(BackfillReprocess.Failed),
        };
        reprocess.AcceptOnlyFromAmong([.. Enum.GetValues<BackfillReprocess>().Select(BackfillReprocessNames.Name)]);
        var param = ParamOption();
        var (data, url, key) = (CommonOptions.Data(), CommonOptions.Url(), CommonOptions.ApiKey());
        var command = new Command("backfill", "One run per scheduled day in [--from, --to], oldest first within max_active_runs")
        {
            name, from, to, reprocess, param, data, url, key,
        };
        command.SetAction((parse, ct) => Guard("dag backfill", async () =>
        {
            var dag = parse.GetValue(name)!;
            var first = DateOnly.FromDateTime(RunKey.ParseDate(parse.GetValue(from)!));
            var last = DateOnly.FromDateTime(RunKey.ParseDate(parse.GetValue(to)!));
            var runParams = ParseParams(parse.GetValue(param));
            BackfillReprocessNames.TryParse(parse.GetValue(reprocess), out var days);
            if (Server(parse.GetValue(url), parse.GetValue(data)) is { } server)
            {
                using var client = new EmporiumClient(server, ServerLocator.ApiKey(parse.GetValue(key)));
                var api = new DagApiClient(client);
                var body = await api.BackfillAsync(dag, first.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), last.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), runParams, days, ct);
                var created = body.GetProperty("created").EnumerateArray().Select(r => r.GetProperty("ds").GetString()!).ToList();
                PrintSkipped(body.GetProperty("skipped").EnumerateArray().Select(s => (s.GetProperty("ds").GetString()!, s.GetProperty("reason").GetString()!)));
                var states = new List<string>();
                foreach (var ds in created)
                {
                    states.Add(await api.WaitAsync(dag, ds, Console.Out, ct));
                }
                return Summary(dag, states);
            }
            await using var local = await LocalOrchestrator.OpenAsync(EmporiumConfiguration.ResolveDataDir(parse.GetValue(data)), ct);
            var result = local.Engine.Backfill(dag, first, last, runParams, days);
            PrintSkipped(result.Skipped.Select(s => (s.Run.Key.DateText, s.Reason)));
            var ended = await AnsiConsole.Progress().AutoClear(false).StartAsync(async progress =>
            {
                var bar = progress.AddTask($"{dag} backfill", maxValue: Math.Max(1, result.Created.Count));
                var keys = result.Created.Select(r => r.Key).ToList();
                await local.Engine.WaitUntilAsync(() =>
                {
                    bar.Value = keys.Count(k => local.Engine.Store.GetRun(k)?.State is RunState.Success or RunState.Failed);
                    return bar.Value >= keys.Count;
                }, ct);
                return keys.Select(k => local.Engine.Store.GetRun(k)!).ToList();
            });
            foreach (var run in ended)
            {
                Console.Out.WriteLine($"{run.Key.DateText}  {DagViews.State(run.State)}");
            }
            return Summary(dag, ended.Select(r => DagViews.State(r.State)).ToList());
        }));
        return command;
    }

    private static Command Runs()
    {
        var name = new Argument<string>("name") { Description = "DAG name" };
        var limit = new Option<int>("--limit") { Description = $"Newest N runs (1 to {DagEndpoints.MaxRunsLimit})", DefaultValueFactory = _ => 30 };
        var offset = new Option<int>("--offset") { Description = "Skip the K newest runs first (the next page)", DefaultValueFactory = _ => 0 };
        var json = new Option<bool>("--json") { Description = "Print the API's JSON" };
        var (data, url, key) = (CommonOptions.Data(), CommonOptions.Url(), CommonOptions.ApiKey());
        var command = new Command("runs", "Runs of a DAG, newest first, with task states") { name, limit, offset, json, data, url, key };
        command.SetAction((parse, ct) => Guard("dag runs", async () =>
        {
            var dag = parse.GetValue(name)!;
            // Checked here for both paths: the server refuses it, and the store read alone printed an empty table.
            if (parse.GetValue(limit) is < 1 or > DagEndpoints.MaxRunsLimit)
            {
                throw new ArgumentException($"--limit must be between 1 and {DagEndpoints.MaxRunsLimit}, got {parse.GetValue(limit)}");
            }
            if (parse.GetValue(offset) < 0)
            {
                throw new ArgumentException($"--offset must be 0 or more (the number of newer runs to skip), got {parse.GetValue(offset)}");
            }
            JsonElement body;
            if (Server(parse.GetValue(url), parse.GetValue(data)) is { } server)
            {
                using var client = new EmporiumClient(server, ServerLocator.ApiKey(parse.GetValue(key)));
                body = await new DagApiClient(client).RunsAsync(dag, parse.GetValue(limit), parse.GetValue(offset), ct);
            }
            else
            {
                var dataDir = EmporiumConfiguration.ResolveDataDir(parse.GetValue(data));
                var registry = DagRegistry.Discover(pluginDirectory: Path.Combine(dataDir, "dags"));
                using var store = OrchestratorStore.OpenReadOnly(OrchestratorStore.DirectoryFor(dataDir));
                // A DAG without a loaded definition still lists the runs it has.
                var definition = registry.TryGet(dag, out var loaded) ? loaded : store.HasRuns(dag) ? null : registry.Get(dag);
                body = JsonSerializer.SerializeToElement(new
                {
                    dag,
                    runs = store.RunsNewestFirst(dag, parse.GetValue(offset), parse.GetValue(limit)).Select(r => DagViews.Run(r, definition, store)),
                }, ApiErrors.Json);
            }
            if (parse.GetValue(json))
            {
                Console.Out.WriteLine(body.GetRawText());
                return 0;
            }
            var rows = body.GetProperty("runs").EnumerateArray().Select(run => new object?[]
            {
                run.GetProperty("ds").GetString(), run.GetProperty("runId").GetString(), run.GetProperty("state").GetString(),
                Time(run, "startedAt"), Time(run, "endedAt"),
                string.Join(" ", run.GetProperty("tasks").EnumerateArray().Select(t => $"{t.GetProperty("task").GetString()}={t.GetProperty("state").GetString()}")),
            }).ToList();
            WriteTable(["ds", "run id", "state", "started", "ended", "tasks"], rows, dag);
            return 0;
        }));
        return command;
    }

    private static Command Logs()
    {
        var name = new Argument<string>("name") { Description = "DAG name" };
        var date = new Option<string>("--date") { Description = "Logical date YYYY-MM-DD", Required = true };
        var task = new Option<string?>("--task") { Description = "One task (default: every task of the run)" };
        var attempt = new Option<int?>("--try") { Description = "One try (default: every try)" };
        var (data, url, key) = (CommonOptions.Data(), CommonOptions.Url(), CommonOptions.ApiKey());
        var command = new Command("logs", "Logs of a run's tasks, every try") { name, date, task, attempt, data, url, key };
        command.SetAction((parse, ct) => Guard("dag logs", async () =>
        {
            var dag = parse.GetValue(name)!;
            var key2 = new RunKey(dag, RunKey.ParseDate(parse.GetValue(date)!));
            var number = parse.GetValue(attempt);
            if (Server(parse.GetValue(url), parse.GetValue(data)) is { } server)
            {
                using var client = new EmporiumClient(server, ServerLocator.ApiKey(parse.GetValue(key)));
                var api = new DagApiClient(client);
                var tasks = parse.GetValue(task) is { } one
                    ? [one]
                    : (await api.RunAsync(dag, key2.DateText, ct)).GetProperty("tasks").EnumerateArray()
                        .Where(t => number is not { } n || t.GetProperty("tries").GetInt32() >= n)
                        .Select(t => t.GetProperty("task").GetString()!).ToList();
                if (tasks.Count == 0)
                {
                    throw new KeyNotFoundException(NoTaskMadeTry(key2, number));
                }
                foreach (var t in tasks)
                {
                    var body = await api.LogsAsync(dag, key2.DateText, t, number, ct);
                    if (body.TryGetProperty("truncated", out var cut) && cut.ValueKind == JsonValueKind.True)
                    {
                        await Console.Error.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                            $"emporium dag logs: the log of {t} has {body.GetProperty("totalLines").GetInt32():N0} lines; the server sends the last {DagEndpoints.MaxLogTail:N0}"));
                    }
                    foreach (var line in body.GetProperty("lines").EnumerateArray())
                    {
                        Console.Out.WriteLine(line.GetString());
                    }
                }
                return 0;
            }
            var dataDir = EmporiumConfiguration.ResolveDataDir(parse.GetValue(data));
            using var store = OrchestratorStore.OpenReadOnly(OrchestratorStore.DirectoryFor(dataDir));
            if (DagRegistry.Discover(pluginDirectory: Path.Combine(dataDir, "dags")).TryGet(dag, out var definition))
            {
                // A day names the day's run, as it does for the server (a DAG run at 02:30 is keyed by its time).
                key2 = store.RunKeyFor(definition, key2.LogicalDate);
            }
            if (store.GetRun(key2) is null)
            {
                throw new KeyNotFoundException($"DAG '{dag}' has no run for {key2.DateText}");
            }
            var known = store.Tasks(key2).Select(t => t.Task).ToList();
            List<string> names;
            if (parse.GetValue(task) is { } single)
            {
                if (!known.Contains(single, StringComparer.Ordinal))
                {
                    throw new KeyNotFoundException($"DAG '{dag}' has no task '{single}' in its run for {key2.DateText} (its tasks: {string.Join(", ", known)})");
                }
                if (number is { } n && store.MissingTry(key2, single, n) is { } why)
                {
                    throw new KeyNotFoundException(why);
                }
                names = [single];
            }
            else
            {
                names = known.Where(t => number is not { } n || store.MissingTry(key2, t, n) is null).ToList();
                if (names.Count == 0)
                {
                    throw new KeyNotFoundException(NoTaskMadeTry(key2, number));
                }
            }
            foreach (var t in names)
            {
                // Streamed: a log of 197,000 lines read whole cost the command 284 MiB.
                foreach (var line in store.LogLines(key2, t, number))
                {
                    Console.Out.Write(line);
                    Console.Out.Write('\n');
                }
            }
            return 0;
        }));
        return command;
    }

    private static string NoTaskMadeTry(RunKey run, int? number) =>
        number is { } n ? $"no task of {run} has made try {n}" : $"{run} has no tasks yet";

    private static Command Clear()
    {
        var name = new Argument<string>("name") { Description = "DAG name" };
        var date = new Option<string>("--date") { Description = "Logical date YYYY-MM-DD", Required = true };
        var task = new Option<string?>("--task") { Description = "Clear this task and its downstream (default: the whole run)" };
        var noWait = new Option<bool>("--no-wait") { Description = "Return once cleared (server only)" };
        var (data, url, key) = (CommonOptions.Data(), CommonOptions.Url(), CommonOptions.ApiKey());
        var command = new Command("clear", "Clear task state of a run so it runs again (with its downstream tasks)") { name, date, task, noWait, data, url, key };
        command.SetAction((parse, ct) => Guard("dag clear", async () =>
        {
            var dag = parse.GetValue(name)!;
            var logical = RunKey.ParseDate(parse.GetValue(date)!);
            var ds = new RunKey(dag, logical).DateText;
            if (Server(parse.GetValue(url), parse.GetValue(data)) is { } server)
            {
                using var client = new EmporiumClient(server, ServerLocator.ApiKey(parse.GetValue(key)));
                var api = new DagApiClient(client);
                await api.ClearAsync(dag, ds, parse.GetValue(task), ct);
                Console.Out.WriteLine($"{dag} {ds}: cleared {parse.GetValue(task) ?? "every task"}; the server runs it again");
                return parse.GetValue(noWait) ? 0 : await api.WaitAsync(dag, ds, Console.Out, ct) == "success" ? 0 : 1;
            }
            var dataDir = EmporiumConfiguration.ResolveDataDir(parse.GetValue(data));
            if (!HasRun(dataDir, dag, store => store.GetRun(new RunKey(dag, logical)) is not null))
            {
                throw new KeyNotFoundException($"DAG '{dag}' has no run for {ds}");
            }
            await using var local = await LocalOrchestrator.OpenAsync(dataDir, ct);
            var run = local.Engine.Clear(dag, logical, parse.GetValue(task));
            Console.Out.WriteLine($"{dag} {ds}: cleared {parse.GetValue(task) ?? "every task"}; running it again in this process");
            var ended = await RunWatcher.WatchAsync(local.Engine, [run.Key], Console.Out, ct);
            return ended[0].State == RunState.Success ? 0 : 1;
        }));
        return command;
    }

    private static Command Cancel()
    {
        var name = new Argument<string>("name") { Description = "DAG name" };
        var date = new Option<string?>("--date") { Description = "Logical date YYYY-MM-DD of the run to cancel" };
        var all = new Option<bool>("--all") { Description = "Cancel every active (queued or running) run of the DAG" };
        var (data, url, key) = (CommonOptions.Data(), CommonOptions.Url(), CommonOptions.ApiKey());
        var command = new Command("cancel", "Cancel an active run (--date) or all of them (--all): running tries are stopped, tasks not ended fail as cancelled; clear the day to run it again")
        {
            name, date, all, data, url, key,
        };
        command.SetAction((parse, ct) => Guard("dag cancel", async () =>
        {
            var dag = parse.GetValue(name)!;
            var day = parse.GetValue(date);
            if ((day is null) == !parse.GetValue(all))
            {
                throw new ArgumentException("give either --date D (one run) or --all (every active run)");
            }
            var logical = day is null ? (DateTime?)null : RunKey.ParseDate(day);
            List<string> cancelled;
            if (Server(parse.GetValue(url), parse.GetValue(data)) is { } server)
            {
                using var client = new EmporiumClient(server, ServerLocator.ApiKey(parse.GetValue(key)));
                var api = new DagApiClient(client);
                cancelled = logical is { } one
                    ? [(await api.CancelAsync(dag, new RunKey(dag, one).DateText, ct)).GetProperty("ds").GetString()!]
                    : [.. (await api.CancelActiveAsync(dag, ct)).GetProperty("cancelled").EnumerateArray().Select(d => d.GetString()!)];
            }
            else
            {
                var dataDir = EmporiumConfiguration.ResolveDataDir(parse.GetValue(data));
                if (logical is { } asked && !HasRun(dataDir, dag, store => store.GetRun(new RunKey(dag, asked)) is not null))
                {
                    throw new KeyNotFoundException($"DAG '{dag}' has no run for {new RunKey(dag, asked).DateText}");
                }
                if (logical is null && !HasRun(dataDir, dag, store => store.ActiveRuns(dag).Count > 0))
                {
                    cancelled = [];
                }
                else
                {
                    await using var local = await LocalOrchestrator.OpenAsync(dataDir, ct);
                    cancelled = logical is { } one
                        ? [local.Engine.Cancel(dag, one).Key.DateText]
                        : [.. local.Engine.CancelActive(dag).Select(r => r.Key.DateText)];
                }
            }
            Console.Out.WriteLine(cancelled.Count == 0
                ? $"{dag}: no active run to cancel"
                : $"{dag}: cancelled {cancelled.Count} run{(cancelled.Count == 1 ? "" : "s")} ({string.Join(", ", cancelled)})");
            return 0;
        }));
        return command;
    }

    private static Command Pause(bool paused)
    {
        var verb = paused ? "pause" : "unpause";
        var name = new Argument<string>("name") { Description = "DAG name" };
        var (data, url, key) = (CommonOptions.Data(), CommonOptions.Url(), CommonOptions.ApiKey());
        var command = new Command(verb, paused
            ? "Stop scheduling a DAG (no new scheduled runs; runs asked for by hand still execute)"
            : "Schedule a DAG again (the latest ended interval, or every missed one with catchup, becomes a run)")
        {
            name, data, url, key,
        };
        command.SetAction((parse, ct) => Guard($"dag {verb}", async () =>
        {
            var dag = parse.GetValue(name)!;
            if (Server(parse.GetValue(url), parse.GetValue(data)) is { } server)
            {
                using var client = new EmporiumClient(server, ServerLocator.ApiKey(parse.GetValue(key)));
                await new DagApiClient(client).SetPausedAsync(dag, paused, ct);
            }
            else
            {
                var dataDir = EmporiumConfiguration.ResolveDataDir(parse.GetValue(data));
                DagRegistry.Discover(pluginDirectory: Path.Combine(dataDir, "dags")).Get(dag);
                LocalOrchestrator.RequireDataDir(dataDir);
                using var store = OrchestratorStore.Open(OrchestratorStore.DirectoryFor(dataDir));
                store.SetPaused(dag, paused, DateTime.UtcNow);
            }
            Console.Out.WriteLine($"{dag}: {(paused ? "paused" : "unpaused")}");
            return 0;
        }));
        return command;
    }

    private static Option<string[]> ParamOption() => new("--param")
    {
        Description = "Run parameter k=v (repeatable); overrides emporium.json Dags:<dag>:<k> and EMPORIUM__DAGS__<DAG>__<K>",
        AllowMultipleArgumentsPerToken = false,
    };

    internal static Dictionary<string, string?> ParseParams(string[]? values)
    {
        var result = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (var value in values ?? [])
        {
            var eq = value.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0)
            {
                throw new FormatException($"--param '{value}' is not k=v");
            }
            result[value[..eq].Trim()] = value[(eq + 1)..];
        }
        return result;
    }

    private static string? Server(string? url, string? data) => ServerLocator.Find(url, data);

    private static int Summary(string dag, IReadOnlyList<string> states)
    {
        var failed = states.Count(s => s != "success");
        Console.Out.WriteLine($"{dag}: {states.Count - failed} of {states.Count} run(s) succeeded");
        return failed == 0 ? 0 : 1;
    }

    private static void PrintSkipped(IEnumerable<(string Ds, string Reason)> days)
    {
        foreach (var (ds, reason) in days)
        {
            Console.Out.WriteLine($"{ds}  skipped: {reason}");
        }
    }

    private static void PrintDags(JsonElement body, bool json)
    {
        if (json)
        {
            Console.Out.WriteLine(body.GetRawText());
            return;
        }
        var rows = body.GetProperty("dags").EnumerateArray().Select(dag =>
        {
            var last = dag.GetProperty("lastRun");
            return new object?[]
            {
                dag.GetProperty("name").GetString(), dag.GetProperty("schedule").GetString(), dag.GetProperty("paused").GetBoolean() ? "paused" : "",
                last.ValueKind == JsonValueKind.Object ? $"{last.GetProperty("ds").GetString()} {last.GetProperty("state").GetString()}" : "—",
                string.Join(" → ", dag.GetProperty("tasks").EnumerateArray().Select(t => t.GetProperty("name").GetString())),
                dag.TryGetProperty("description", out var d) && d.ValueKind == JsonValueKind.String ? d.GetString() : "",
            };
        }).ToList();
        WriteTable(["dag", "schedule", "paused", "last run", "tasks", "description"], rows, "DAGs");
        foreach (var error in body.GetProperty("errors").EnumerateArray())
        {
            Console.Error.WriteLine($"skipped DAG definition: {error.GetString()}");
        }
        if (body.TryGetProperty("unloaded", out var unloaded))
        {
            foreach (var dag in unloaded.EnumerateArray())
            {
                Console.Error.WriteLine($"{dag.GetProperty("status").GetString()} DAG: {dag.GetProperty("reason").GetString()}");
            }
        }
    }

    /// <summary>The query output's layout: a grid where it fits the terminal, otherwise one record at a time (a DAG's
    /// task chain or a run's task states are too long for a grid of 80 columns).</summary>
    private static void WriteTable(string[] columns, List<object?[]> rows, string? title) =>
        TableOutput.Write(new QueryResult(columns.Select(c => new QueryColumn(c, "varchar")).ToList(), rows), "table", Console.Out, title);

    private static string Time(JsonElement run, string property) =>
        run.TryGetProperty(property, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString()!.Replace('T', ' ')[..Math.Min(19, v.GetString()!.Length)] : "";

    /// <summary>Whether the data dir's orchestrator records a run <paramref name="wanted"/> looks for (an unknown DAG is
    /// its error when none is), read without opening the data dir: clear and cancel act on recorded runs only, and opening
    /// would first create a data dir with a log, a lake and a warehouse (a mistyped <c>--data</c>) to then find none. A run
    /// found needs no definition: the runs of a removed DAG can still be cancelled.</summary>
    private static bool HasRun(string dataDir, string dag, Func<OrchestratorStore, bool> wanted)
    {
        using (var store = OrchestratorStore.OpenReadOnly(OrchestratorStore.DirectoryFor(dataDir)))
        {
            if (wanted(store))
            {
                return true;
            }
        }
        DagRegistry.Discover(pluginDirectory: Path.Combine(dataDir, "dags")).Get(dag);
        return false;
    }

    /// <summary>Known failures become a message and exit code 2 instead of a stack trace.</summary>
    private static async Task<int> Guard(string what, Func<Task<int>> action)
    {
        try
        {
            return await action();
        }
        catch (Exception e) when (e is DagNotFoundException or KeyNotFoundException or RunConflictException or FormatException or ArgumentException
                                      or StartupException or StoreLockedException or ApiException or HttpRequestException or BackendUnavailableException)
        {
            await Console.Error.WriteLineAsync($"emporium {what}: {e.Message}");
            return 2;
        }
    }
}
