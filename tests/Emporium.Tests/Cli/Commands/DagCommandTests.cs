using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Emporium.Orchestration;
using Emporium.Tests.Orchestration;
using Emporium.Tests.TestSupport;
using Emporium.Tests.Web.Dashboard;
using Microsoft.Extensions.DependencyInjection;

namespace Emporium.Tests.Cli.Commands;

/// <summary>The real CLI in child processes: in-process runs that survive SIGKILL, and runs through a server.</summary>
public class DagCommandTests
{
    private static readonly TimeSpan Guard = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task A_run_killed_with_sigkill_resumes_without_rerunning_finished_tasks()
    {
        using var data = new TempDir("dagcli");
        using var record = new TempDir("dagrec");
        InstallProbe(data.Path);
        var args = new[] { "dag", "run", ProbeDag.Name, "--date", "2024-01-01", "--param", $"dir={record.Path}", "--data", data.Path };

        using (var first = Start(args, out var output))
        {
            var loadStarted = record.Combine("load.starts");
            using var guard = new CancellationTokenSource(Guard);
            while (!File.Exists(loadStarted))
            {
                Assert.False(first.HasExited, $"dag run exited early ({(first.HasExited ? first.ExitCode : 0)}):\n{output}");
                await Task.Delay(50, guard.Token);
            }
            first.Kill(entireProcessTree: true);
            await first.WaitForExitAsync(guard.Token);
        }
        File.WriteAllText(record.Combine("release"), "");

        var (code, text) = await RunAsync(args);
        Assert.True(code == 0, text);
        Assert.Equal(["2024-01-01 try 1"], File.ReadAllLines(record.Combine("extract.starts")));
        Assert.Equal(["2024-01-01 try 1", "2024-01-01 try 2"], File.ReadAllLines(record.Combine("load.starts")));

        var (runsCode, runsJson) = await RunAsync(["dag", "runs", ProbeDag.Name, "--json", "--data", data.Path]);
        Assert.Equal(0, runsCode);
        var run = Assert.Single(JsonDocument.Parse(runsJson).RootElement.GetProperty("runs").EnumerateArray());
        Assert.Equal("success", run.GetProperty("state").GetString());
        // The same run as a table at 80 columns: its id, state and every task's state, nothing cut away.
        var (tableCode, table) = await RunAsync(["dag", "runs", ProbeDag.Name, "--data", data.Path]);
        Assert.Equal(0, tableCode);
        Assert.Matches($@"│ run id\s+│ {run.GetProperty("runId").GetString()}\s+│", table);
        Assert.Matches(@"│ state\s+│ success\s+│", table);
        foreach (var task in run.GetProperty("tasks").EnumerateArray())
        {
            Assert.Contains($"{task.GetProperty("task").GetString()}={task.GetProperty("state").GetString()}", table, StringComparison.Ordinal);
        }

        using var store = OrchestratorStore.OpenReadOnly(OrchestratorStore.DirectoryFor(data.Path));
        var key = new RunKey(ProbeDag.Name, new DateTime(2024, 1, 1, 0, 0, 0, DateTimeKind.Utc));
        Assert.Equal([TryStates.Interrupted, TryStates.Success], store.Tries(key, "load").Select(t => t.State));

        var (logsCode, logs) = await RunAsync(["dag", "logs", ProbeDag.Name, "--date", "2024-01-01", "--task", "load", "--data", data.Path]);
        Assert.Equal(0, logsCode);
        Assert.Contains("loaded 3 rows for 2024-01-01", logs);
        // Try 2 of every task is the load's alone (the extract made one try); a try or task the run lacks is an error.
        var (secondCode, second) = await RunAsync(["dag", "logs", ProbeDag.Name, "--date", "2024-01-01", "--try", "2", "--data", data.Path]);
        Assert.True(secondCode == 0, second);
        Assert.Contains("--- load try 2 ---", second);
        Assert.DoesNotContain("--- extract", second);
        var (thirdCode, third) = await RunAsync(["dag", "logs", ProbeDag.Name, "--date", "2024-01-01", "--task", "load", "--try", "3", "--data", data.Path]);
        Assert.Equal(2, thirdCode);
        Assert.Contains($"task 'load' of {key} has no try 3 (its tries: 1, 2)", third);
        var (noTaskCode, noTask) = await RunAsync(["dag", "logs", ProbeDag.Name, "--date", "2024-01-01", "--task", "nope", "--data", data.Path]);
        Assert.Equal(2, noTaskCode);
        Assert.Contains("has no task 'nope'", noTask);
    }

    [Fact]
    public async Task Dag_run_goes_through_the_server_that_owns_the_data_dir()
    {
        await using var host = await TestHost.StartAsync();
        var (code, text) = await RunAsync(["dag", "run", ProbeDag.Name, "--date", "2024-01-02", "--param", "rows=11", "--data", host.DataDir]);
        Assert.True(code == 0, text);
        Assert.Contains($"queued on {host.Host.Url}", text);

        var engine = host.Host.App.Services.GetRequiredService<DagEngine>();
        var key = new RunKey(ProbeDag.Name, new DateTime(2024, 1, 2, 0, 0, 0, DateTimeKind.Utc));
        Assert.Equal(RunState.Success, engine.Store.GetRun(key)!.State);
        Assert.Equal("11", engine.Store.XComs(key, "extract")["rows"]);

        // A backfill over that day leaves its succeeded run (and its parameters) alone and says so.
        var (backfillCode, backfill) = await RunAsync(["dag", "backfill", ProbeDag.Name, "--from", "2024-01-01", "--to", "2024-01-02", "--data", host.DataDir]);
        Assert.True(backfillCode == 0, backfill);
        Assert.Contains("2024-01-02  skipped: this day's run succeeded (reprocess all runs it again)", backfill);
        Assert.Equal(RunState.Success, engine.Store.GetRun(key with { LogicalDate = key.LogicalDate.AddDays(-1) })!.State);
        Assert.Equal(1, engine.Store.GetRun(key)!.Attempt);
        Assert.Equal("11", engine.Store.XComs(key, "extract")["rows"]);
        var (badCode, bad) = await RunAsync(["dag", "backfill", ProbeDag.Name, "--from", "2024-01-01", "--to", "2024-01-02", "--reprocess", "sometimes", "--data", host.DataDir]);
        Assert.NotEqual(0, badCode);
        Assert.Contains("sometimes", bad);

        var (unknownCode, unknown) = await RunAsync(["dag", "run", "no_such_dag", "--data", host.DataDir]);
        Assert.Equal(2, unknownCode);
        Assert.Contains("no DAG named 'no_such_dag'", unknown);
    }

    [Fact]
    public async Task Dag_cancel_ends_the_active_runs_through_the_server_and_refuses_an_ended_one()
    {
        using var release = new TempDir("dagcancel");
        await using var host = await TestHost.StartAsync();
        var engine = host.Host.App.Services.GetRequiredService<DagEngine>();
        var key = new RunKey(ProbeDag.Name, new DateTime(2024, 1, 3, 0, 0, 0, DateTimeKind.Utc));
        engine.Trigger(ProbeDag.Name, key.LogicalDate, new Dictionary<string, string?> { ["dir"] = release.Path });
        await engine.WaitUntilAsync(() => engine.Store.GetTask(key, "load") is { State: TaskState.Running }, new CancellationTokenSource(TimeSpan.FromSeconds(60)).Token);

        var (neitherCode, neither) = await RunAsync(["dag", "cancel", ProbeDag.Name, "--data", host.DataDir]);
        Assert.Equal(2, neitherCode);
        Assert.Contains("emporium dag cancel: give either --date D (one run) or --all (every active run)", neither);
        Assert.Equal(RunState.Running, engine.Store.GetRun(key)!.State);

        var (code, text) = await RunAsync(["dag", "cancel", ProbeDag.Name, "--all", "--data", host.DataDir]);
        Assert.True(code == 0, text);
        Assert.Contains($"{ProbeDag.Name}: cancelled 1 run (2024-01-03)", text);
        Assert.Equal(RunState.Failed, engine.Store.GetRun(key)!.State);
        Assert.Equal(DagEngine.CancelledByHand, engine.Store.GetTask(key, "load")!.Error);

        var (againCode, again) = await RunAsync(["dag", "cancel", ProbeDag.Name, "--date", "2024-01-03", "--data", host.DataDir]);
        Assert.Equal(2, againCode);
        Assert.Contains("is not active (it failed)", again);
    }

    [Fact]
    public async Task Dag_pause_and_unpause_work_with_and_without_a_server()
    {
        using var data = new TempDir("dagpause");
        var (code, text) = await RunAsync(["dag", "pause", "reviews_batch", "--data", data.Path]);
        Assert.True(code == 0, text);
        Assert.Contains("reviews_batch: paused", text);
        using (var store = OrchestratorStore.OpenReadOnly(OrchestratorStore.DirectoryFor(data.Path)))
        {
            Assert.True(store.GetDagState("reviews_batch")!.Paused);
        }
        (code, text) = await RunAsync(["dag", "list", "--json", "--data", data.Path]);
        Assert.True(code == 0, text);
        var dags = JsonDocument.Parse(text).RootElement.GetProperty("dags").EnumerateArray().ToList();
        var listed = dags.Single(d => d.GetProperty("name").GetString() == "reviews_batch");
        Assert.True(listed.GetProperty("paused").GetBoolean());

        // At 80 columns (the width of a redirected output) each DAG is a record: its name whole, its tasks and state.
        (code, text) = await RunAsync(["dag", "list", "--data", data.Path]);
        Assert.True(code == 0, text);
        var lines = TerminalText.Lines(text);
        foreach (var dag in dags)
        {
            Assert.Contains(lines, l => System.Text.RegularExpressions.Regex.IsMatch(l, $@"^│ dag\s+│ {dag.GetProperty("name").GetString()}\s+│$"));
        }
        Assert.Contains($"{dags.Count} row(s)", text, StringComparison.Ordinal);
        var reviewsBatch = string.Join('\n', lines.SkipWhile(l => !l.Contains("│ reviews_batch ", StringComparison.Ordinal)).Take(4));
        Assert.Matches(@"│ paused\s+│ paused\s+│", reviewsBatch);

        await using var host = await TestHost.StartAsync();
        (code, text) = await RunAsync(["dag", "unpause", "reviews_batch", "--data", host.DataDir]);
        Assert.True(code == 0, text);
        Assert.False(host.Host.App.Services.GetRequiredService<DagEngine>().IsPaused("reviews_batch"));

        (code, text) = await RunAsync(["dag", "pause", "no_such_dag", "--data", host.DataDir]);
        Assert.Equal(2, code);
        Assert.Contains("no_such_dag", text);
    }

    /// <summary>Without a server, runs are read from the store; a limit the server would refuse is refused there too
    /// (it printed an empty table and exited 0).</summary>
    [Theory]
    [InlineData("--limit", "0", "--limit must be between 1 and 1000, got 0")]
    [InlineData("--limit", "-3", "--limit must be between 1 and 1000, got -3")]
    [InlineData("--limit", "1001", "--limit must be between 1 and 1000, got 1001")]
    [InlineData("--offset", "-1", "--offset must be 0 or more (the number of newer runs to skip), got -1")]
    public async Task Dag_runs_refuses_a_page_out_of_range_without_a_server(string option, string value, string message)
    {
        using var data = new TempDir("dagcli");

        var (code, text) = await RunAsync(["dag", "runs", "retail_lake", option, value, "--data", data.Path]);

        Assert.Equal(2, code);
        Assert.Contains($"emporium dag runs: {message}", text, StringComparison.Ordinal);
    }

    /// <summary>As a user adds a DAG without touching the core: an assembly with the definition in &lt;data&gt;/dags.</summary>
    private static void InstallProbe(string dataDir)
    {
        var dags = Path.Combine(dataDir, "dags");
        Directory.CreateDirectory(dags);
        var assembly = typeof(ProbeDag).Assembly.Location;
        File.Copy(assembly, Path.Combine(dags, Path.GetFileName(assembly)));
    }

    /// <summary>A run a stopped process left running, of a DAG whose definition is gone: the CLI lists it as missing,
    /// shows its runs and cancels it, and refuses to run the DAG with why.</summary>
    [Fact]
    public async Task A_run_of_a_removed_dag_is_listed_and_cancelled_from_the_cli()
    {
        using var data = new TempDir("dagcli-gone");
        var day = new DateTime(2024, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        using (var store = OrchestratorStore.Open(OrchestratorStore.DirectoryFor(data.Path)))
        {
            store.Save(new DagRunInfo("gone", day, "manual__2024-01-01", RunTypes.Manual, RunState.Running, new Dictionary<string, string?>(), day, day, null, 1));
            store.Save(new TaskInstanceInfo("gone", day, "extract", TaskState.Running, 1, 0, day, null, null, null),
                new TaskTryInfo("gone", day, "extract", 1, TryStates.Running, day, null, null));
        }

        var (code, text) = await RunAsync(["dag", "list", "--data", data.Path]);
        Assert.True(code == 0, text);
        Assert.Contains("missing DAG: DAG 'gone' has no loaded definition", text);
        (code, text) = await RunAsync(["dag", "runs", "gone", "--data", data.Path]);
        Assert.True(code == 0, text);
        Assert.Contains("extract=running", text);
        (code, text) = await RunAsync(["dag", "run", "gone", "--date", "2024-01-02", "--data", data.Path]);
        Assert.Equal(2, code);
        Assert.Contains("dag cancel gone --all", text);

        (code, text) = await RunAsync(["dag", "cancel", "gone", "--all", "--data", data.Path]);
        Assert.True(code == 0, text);
        Assert.Contains("gone: cancelled 1 run (2024-01-01)", text);
        using var after = OrchestratorStore.OpenReadOnly(OrchestratorStore.DirectoryFor(data.Path));
        Assert.Equal(RunState.Failed, after.GetRun(new RunKey("gone", day))!.State);
        Assert.Equal(DagEngine.CancelledByHand, after.GetTask(new RunKey("gone", day), "extract")!.Error);
    }

    /// <summary>`dag run --date` of a day whose interval has not started is refused with the date and now.</summary>
    [Fact]
    public async Task A_run_of_a_future_date_is_refused_from_the_cli()
    {
        using var data = new TempDir("dagcli-future");
        InstallProbe(data.Path);
        var (code, text) = await RunAsync(["dag", "run", ProbeDag.Name, "--date", "2999-01-01", "--data", data.Path]);
        Assert.Equal(2, code);
        Assert.Contains("logical date 2999-01-01", text);
        Assert.Contains("now is", text);
    }

    private static Process Start(IEnumerable<string> args, out StringBuilder output)
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add(EmporiumProcess.CliDll());
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }
        psi.Environment["DOTNET_NOLOGO"] = "1";
        var process = Process.Start(psi) ?? throw new InvalidOperationException("could not start the emporium CLI");
        var buffer = new StringBuilder();
        process.OutputDataReceived += (_, e) => Append(buffer, e.Data);
        process.ErrorDataReceived += (_, e) => Append(buffer, e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        output = buffer;
        return process;
    }

    /// <summary><c>dag clear</c> and <c>dag cancel</c> act on recorded runs only: on a data dir without any (a mistyped
    /// <c>--data</c>) they say there is none and create nothing. Before, each opened the data dir first, creating it with
    /// a log, a lake and a warehouse, and then failed (clear) or said "no active run" (cancel).</summary>
    [Fact]
    public async Task Clear_and_cancel_on_a_data_dir_without_runs_create_nothing()
    {
        using var dir = new TempDir("dag-no-runs");
        var missing = dir.Combine("mistyped");

        var (clearCode, clear) = await RunAsync(["dag", "clear", "retail_lake", "--date", "2024-01-01", "--data", missing]);
        Assert.True(clearCode == 2, clear);
        Assert.Contains("emporium dag clear: DAG 'retail_lake' has no run for 2024-01-01", clear, StringComparison.Ordinal);

        var (cancelCode, cancel) = await RunAsync(["dag", "cancel", "retail_lake", "--all", "--data", missing]);
        Assert.True(cancelCode == 0, cancel);
        Assert.Contains("retail_lake: no active run to cancel", cancel, StringComparison.Ordinal);

        var (oneCode, one) = await RunAsync(["dag", "cancel", "retail_lake", "--date", "2024-01-01", "--data", missing]);
        Assert.True(oneCode == 2, one);
        Assert.Contains("emporium dag cancel: DAG 'retail_lake' has no run for 2024-01-01", one, StringComparison.Ordinal);

        var (unknownCode, unknown) = await RunAsync(["dag", "clear", "nope", "--date", "2024-01-01", "--data", missing]);
        Assert.True(unknownCode == 2, unknown);
        Assert.Contains("emporium dag clear: no DAG named 'nope'", unknown, StringComparison.Ordinal);

        Assert.False(Directory.Exists(missing), $"{missing} was created");
    }

    /// <summary>`dag run`, `dag backfill`, `dag pause` and `dag unpause` without a server on a data dir that does not
    /// exist (a mistyped <c>--data</c>, or the default one in another folder) say so and create nothing. Before, run and
    /// backfill made a new data dir with a log, a lake and a warehouse and ran the DAG on nothing; pause said "paused"
    /// of a new data dir no server reads.</summary>
    [Theory]
    [InlineData("run", "--date", "2024-01-01")]
    [InlineData("backfill", "--from", "2024-01-01", "--to", "2024-01-02")]
    [InlineData("pause")]
    [InlineData("unpause")]
    public async Task Run_and_backfill_on_a_data_dir_that_does_not_exist_create_nothing(params string[] command)
    {
        using var dir = new TempDir("dag-no-dir");
        var missing = dir.Combine("mistyped");

        var (code, text) = await RunAsync(["dag", command[0], "retail_lake", .. command[1..], "--data", missing]);

        Assert.True(code == 2, text);
        Assert.Contains($"emporium dag {command[0]}: no data dir {missing}: start one with emporium up", text, StringComparison.Ordinal);
        Assert.False(Directory.Exists(missing), $"{missing} was created");
    }

    private static async Task<(int Code, string Output)> RunAsync(IEnumerable<string> args)
    {
        using var process = Start(args, out var output);
        using var guard = new CancellationTokenSource(Guard);
        try
        {
            await process.WaitForExitAsync(guard.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"emporium {string.Join(' ', args)} did not finish:\n{output}");
        }
        process.WaitForExit();
        lock (output)
        {
            return (process.ExitCode, output.ToString());
        }
    }

    private static void Append(StringBuilder buffer, string? line)
    {
        if (line is not null)
        {
            lock (buffer)
            {
                buffer.AppendLine(line);
            }
        }
    }
}
