using Emporium.Orchestration;
using Emporium.Tests.TestSupport;

namespace Emporium.Tests.Orchestration;

public class OrchestratorStoreTests
{
    private static readonly RunKey Key = new("s", new DateTime(2024, 1, 1, 0, 0, 0, DateTimeKind.Utc));

    private static DagRunInfo Run(RunState state) =>
        new("s", Key.LogicalDate, "manual__2024-01-01", RunTypes.Manual, state, new Dictionary<string, string?> { ["k"] = "v" }, Key.LogicalDate, null, null, 1);

    [Fact]
    public void State_survives_reopening_and_a_torn_last_line_is_dropped()
    {
        using var dir = new TempDir("store");
        using (var store = OrchestratorStore.Open(dir.Path))
        {
            store.Save(Run(RunState.Queued));
            store.Save(Run(RunState.Running));
            store.Save(TaskInstanceInfo.Fresh(Key, "t") with { State = TaskState.Success, TryNumber = 1 });
            store.Push(Key, "t", "out", "{\"a\":1}");
        }
        // A crash in the middle of a write leaves half a line behind.
        File.AppendAllText(Path.Combine(dir.Path, "journal.jsonl"), "{\"run\":{\"dag\":\"s\",\"logicalDa");

        using (var store = OrchestratorStore.Open(dir.Path))
        {
            Assert.Equal(RunState.Running, store.GetRun(Key)!.State);
            Assert.Equal("v", store.GetRun(Key)!.Params["k"]);
            Assert.Equal(TaskState.Success, store.GetTask(Key, "t")!.State);
            Assert.True(store.TryPull(Key, "t", "out", out var json));
            Assert.Equal("{\"a\":1}", json);
            store.Save(Run(RunState.Success));
        }
        using var reopened = OrchestratorStore.OpenReadOnly(dir.Path);
        Assert.Equal(RunState.Success, reopened.GetRun(Key)!.State);
        Assert.All(File.ReadAllLines(reopened.JournalPath), line => Assert.EndsWith("}", line));
    }

    [Fact]
    public void A_write_the_disk_cannot_take_is_not_applied_and_leaves_no_part_line_for_the_next_to_run_into()
    {
        using var dir = new TempDir("store");
        using (var store = OrchestratorStore.Open(dir.Path))
        {
            store.Save(Run(RunState.Queued));
            store.WriteFault = () => new IOException("No space left on device", 28);

            var failed = Assert.Throws<JournalWriteException>(() => store.Save(Run(RunState.Running)));

            Assert.True(Emporium.Diagnostics.DiskFull.Is(failed));
            Assert.Contains(store.JournalPath, failed.Message, StringComparison.Ordinal);
            Assert.Equal(RunState.Queued, store.GetRun(Key)!.State);
            store.WriteFault = null;
            store.Save(TaskInstanceInfo.Fresh(Key, "t") with { State = TaskState.Success, TryNumber = 1 });
        }
        using var reopened = OrchestratorStore.Open(dir.Path);
        Assert.Equal(RunState.Queued, reopened.GetRun(Key)!.State);
        Assert.Equal(TaskState.Success, reopened.GetTask(Key, "t")!.State);
        Assert.Equal(2, File.ReadAllLines(reopened.JournalPath).Length);
    }

    [Fact]
    public void Only_one_writer_at_a_time_while_readers_see_its_state()
    {
        using var dir = new TempDir("store");
        using var writer = OrchestratorStore.Open(dir.Path, "http://127.0.0.1:5999");
        writer.Save(Run(RunState.Running));

        var locked = Assert.Throws<StoreLockedException>(() => OrchestratorStore.Open(dir.Path));
        Assert.Equal("http://127.0.0.1:5999", locked.Owner?.Url);
        Assert.Equal(Environment.ProcessId, OrchestratorStore.CurrentOwner(dir.Path)?.Pid);

        using var reader = OrchestratorStore.OpenReadOnly(dir.Path);
        Assert.Equal(RunState.Running, reader.GetRun(Key)!.State);
        Assert.Throws<InvalidOperationException>(() => reader.Save(Run(RunState.Failed)));

        writer.Dispose();
        Assert.Null(OrchestratorStore.CurrentOwner(dir.Path));
        using var next = OrchestratorStore.Open(dir.Path);
        Assert.Equal(RunState.Running, next.GetRun(Key)!.State);
    }

    [Fact]
    public void A_long_history_is_compacted_to_its_live_state()
    {
        using var dir = new TempDir("store");
        using (var store = OrchestratorStore.Open(dir.Path))
        {
            for (var i = 0; i < 1200; i++)
            {
                store.Save(TaskInstanceInfo.Fresh(Key, "t") with { TryNumber = i });
            }
        }
        using (var store = OrchestratorStore.Open(dir.Path))
        {
            Assert.Equal(1199, store.GetTask(Key, "t")!.TryNumber);
        }
        Assert.Single(File.ReadAllLines(Path.Combine(dir.Path, "journal.jsonl")));
    }

    [Fact]
    public void Tries_of_several_tasks_share_the_run_log_file_and_read_back_apart()
    {
        using var dir = new TempDir("store");
        using var store = OrchestratorStore.Open(dir.Path);
        foreach (var (task, number) in new[] { ("a", 1), ("ab", 1), ("a", 2) })
        {
            store.Save(TaskInstanceInfo.Fresh(Key, task) with { State = TaskState.Running, TryNumber = number },
                new TaskTryInfo("s", Key.LogicalDate, task, number, TryStates.Running, Key.LogicalDate, null, null));
        }
        store.AppendLog(Key, "a", 1, "first try");
        store.AppendLog(Key, "ab", 1, "other task");
        store.AppendLog(Key, "a", 2, "boom\n   at Somewhere()\r\n   at Elsewhere()");

        Assert.Single(Directory.GetFiles(Path.Combine(dir.Path, "logs", "s")));
        Assert.Equal("--- a try 1 ---\nfirst try\n--- a try 2 ---\nboom\n   at Somewhere()\n   at Elsewhere()\n", store.ReadLog(Key, "a"));
        Assert.Equal("--- a try 2 ---\nboom\n   at Somewhere()\n   at Elsewhere()\n", store.ReadLog(Key, "a", 2));
        Assert.Equal("--- ab try 1 ---\nother task\n", store.ReadLog(Key, "ab"));

        // A reader in another process sees the lines already written.
        using var reader = OrchestratorStore.OpenReadOnly(dir.Path);
        Assert.Contains("other task", reader.ReadLog(Key, "ab"));
    }

    /// <summary>A log's tail is read in one pass that keeps only the lines it answers with, and counts the others: a
    /// task that logs a line per changed product (197,000 lines) was read whole into memory to answer its last 5,000.</summary>
    [Fact]
    public void A_tail_is_the_last_lines_of_the_log_read_whole_with_the_count_of_all_its_lines()
    {
        using var dir = new TempDir("store");
        using var store = OrchestratorStore.Open(dir.Path);
        foreach (var (task, number) in new[] { ("a", 1), ("ab", 1), ("a", 2) })
        {
            store.Save(TaskInstanceInfo.Fresh(Key, task) with { State = TaskState.Running, TryNumber = number },
                new TaskTryInfo("s", Key.LogicalDate, task, number, TryStates.Running, Key.LogicalDate, null, null));
        }
        for (var i = 0; i < 5; i++)
        {
            store.AppendLog(Key, "a", 1, $"first {i}");
            store.AppendLog(Key, "ab", 1, $"other {i}");
        }
        for (var i = 0; i < 300; i++)
        {
            store.AppendLog(Key, "a", 2, i % 100 == 0 ? $"second {i}\n   at Somewhere()" : $"second {i}");
            store.AppendLog(Key, "ab", 1, $"other late {i}");
        }

        foreach (var tryNumber in new int?[] { null, 1, 2 })
        {
            var whole = store.ReadLog(Key, "a", tryNumber).Split('\n')[..^1];
            foreach (var tail in new[] { 1, 4, 6, 250, whole.Length, whole.Length + 10 })
            {
                var read = store.TailLog(Key, "a", tryNumber, tail);
                Assert.Equal(whole[^Math.Min(tail, whole.Length)..], read.Lines);
                Assert.Equal(whole.Length, read.TotalLines);
            }
        }
        Assert.Equal(5 + 300 + 3 + 2, store.TailLog(Key, "a", null, 1).TotalLines);
    }

    [Fact]
    public void Logs_written_one_file_per_try_by_earlier_versions_are_still_read()
    {
        using var dir = new TempDir("store");
        var legacy = Path.Combine(dir.Path, "logs", "s", "2024-01-01", "t", "1.log");
        Directory.CreateDirectory(Path.GetDirectoryName(legacy)!);
        File.WriteAllText(legacy, "old line\n");
        using var store = OrchestratorStore.Open(dir.Path);
        store.Save(TaskInstanceInfo.Fresh(Key, "t") with { State = TaskState.Success, TryNumber = 1 },
            new TaskTryInfo("s", Key.LogicalDate, "t", 1, TryStates.Success, Key.LogicalDate, Key.LogicalDate, null));

        Assert.Equal("--- t try 1 ---\nold line\n", store.ReadLog(Key, "t"));
        Assert.Equal(["--- t try 1 ---", "old line"], store.TailLog(Key, "t", null, 10).Lines);
    }

    /// <summary>Run parameters are kept as given (a retry after a restart needs them), so a connection string's
    /// password is in the journal: only its owner may read it, including a journal an older version left readable.</summary>
    [Fact]
    public void The_journal_is_readable_by_its_owner_only()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }
        using var dir = new TempDir("store");
        using (var store = OrchestratorStore.Open(dir.Path))
        {
            store.Save(Run(RunState.Queued));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(store.JournalPath));
        }
        var journal = Path.Combine(dir.Path, "journal.jsonl");
        File.SetUnixFileMode(journal, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        using (OrchestratorStore.Open(dir.Path))
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(journal));
        }
    }

    [Fact]
    public void The_run_summary_of_a_dag_follows_its_runs_as_they_change_and_after_reopening()
    {
        using var dir = new TempDir("store");
        var t0 = new DateTime(2024, 3, 1, 12, 0, 0, DateTimeKind.Utc);
        DagRunInfo RunOf(string dag, int day, RunState state, DateTime? started) =>
            new(dag, new DateTime(2024, 1, day, 0, 0, 0, DateTimeKind.Utc), $"manual__{day}", RunTypes.Manual, state, new Dictionary<string, string?>(), t0, started, null, 1);
        void AssertMatchesRuns(OrchestratorStore store, string dag)
        {
            var runs = store.Runs(dag);
            var summary = store.RunSummary(dag);
            Assert.Equal(runs.LastOrDefault(), summary.Latest);
            Assert.Equal(runs.Max(r => r.StartedAt), summary.LastStartedAt);
            Assert.Equal(runs.Count, summary.Total);
            Assert.All(Enum.GetValues<RunState>(), s => Assert.Equal(runs.Count(r => r.State == s), summary.ByState[s]));
        }

        using (var store = OrchestratorStore.Open(dir.Path))
        {
            Assert.Equal(0, store.RunSummary("a").Total);
            Assert.Null(store.RunSummary("a").Latest);
            store.Save(RunOf("a", 5, RunState.Queued, null));
            store.Save(RunOf("a", 5, RunState.Running, t0));
            // A backfill's older day starts later than the latest day's run.
            store.Save(RunOf("a", 2, RunState.Running, t0.AddHours(1)));
            store.Save(RunOf("a", 2, RunState.Failed, t0.AddHours(1)));
            store.Save(RunOf("a", 5, RunState.Success, t0));
            store.Save(RunOf("b", 9, RunState.Queued, null));
            AssertMatchesRuns(store, "a");
            AssertMatchesRuns(store, "b");
            Assert.Equal(5, store.RunSummary("a").Latest!.LogicalDate.Day);
            Assert.Equal(t0.AddHours(1), store.RunSummary("a").LastStartedAt);
            Assert.Equal(1, store.RunSummary("a").ByState[RunState.Failed]);
            Assert.Equal(0, store.RunSummary("a").ByState[RunState.Running]);
        }
        using var reopened = OrchestratorStore.OpenReadOnly(dir.Path);
        AssertMatchesRuns(reopened, "a");
        AssertMatchesRuns(reopened, "b");
    }

    /// <summary>The queries that read a bounded number of runs (pages, the run before a date, a day's runs, the latest
    /// scheduled run, the active runs) answer as a scan of every run would, through backfills of older days, runs
    /// re-triggered by hand (a scheduled day becomes manual) and reopening.</summary>
    [Fact]
    public void The_bounded_run_queries_answer_as_a_scan_of_every_run_would()
    {
        using var dir = new TempDir("store");
        var random = new Random(7);
        var t0 = new DateTime(2024, 3, 1, 0, 0, 0, DateTimeKind.Utc);
        string[] types = [RunTypes.Scheduled, RunTypes.Manual, RunTypes.Backfill];
        void AssertMatchesScan(OrchestratorStore store)
        {
            foreach (var dag in new[] { "a", "b", "none" })
            {
                var all = store.Runs(dag);
                Assert.Equal(all.Count > 0, store.HasRuns(dag));
                foreach (var (offset, limit) in new[] { (0, 3), (2, 5), (all.Count - 1, 10), (all.Count + 4, 1) })
                {
                    Assert.Equal(all.Reverse().Skip(Math.Max(0, offset)).Take(limit), store.RunsNewestFirst(dag, Math.Max(0, offset), limit));
                }
                Assert.Equal(all.LastOrDefault(r => r.RunType == RunTypes.Scheduled), store.LatestScheduledRun(dag));
                Assert.Equal(all.Where(r => !r.State.IsTerminal()), store.ActiveRuns(dag));
                foreach (var probe in all.Select(r => r.LogicalDate).Concat([t0.AddDays(-100), t0.AddDays(100), t0.AddHours(7)]))
                {
                    Assert.Equal(all.LastOrDefault(r => r.LogicalDate < probe), store.RunBefore(dag, probe));
                    Assert.Equal(all.Where(r => r.LogicalDate >= probe.Date && r.LogicalDate < probe.Date.AddDays(1)), store.RunsBetween(dag, probe.Date, probe.Date.AddDays(1)));
                }
            }
            Assert.Equal(store.Runs().Where(r => !r.State.IsTerminal()), store.ActiveRuns());
        }

        using (var store = OrchestratorStore.Open(dir.Path))
        {
            for (var i = 0; i < 300; i++)
            {
                // Mostly new days, some older ones (a backfill) and some saved again with another type or state.
                var date = t0.AddHours(random.Next(-24 * 20, 24 * 20) * (random.Next(4) == 0 ? 1 : 6) / 6);
                var state = Enum.GetValues<RunState>()[random.Next(Enum.GetValues<RunState>().Length)];
                store.Save(new DagRunInfo(random.Next(3) == 0 ? "b" : "a", date, $"r{i}", types[random.Next(types.Length)], state,
                    new Dictionary<string, string?>(), t0, t0, null, 1));
            }
            AssertMatchesScan(store);
        }
        using var reopened = OrchestratorStore.OpenReadOnly(dir.Path);
        AssertMatchesScan(reopened);
    }

    /// <summary>Each clear and each re-run in place reads and drops the outputs of the tasks it resets: both went through
    /// every output of every run (a backfill re-running 5,000 days of a DAG with a year of outputs, under the
    /// scheduler's lock), and so did replaying each clear at start.</summary>
    [Fact]
    public void A_task_s_outputs_are_read_and_dropped_without_reading_the_outputs_of_other_runs()
    {
        using var dir = new TempDir("store");
        var day = new DateTime(2024, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        File.WriteAllLines(Path.Combine(dir.Path, "journal.jsonl"), Enumerable.Range(0, 20_000).Select(i =>
            System.Text.Json.JsonSerializer.Serialize(new JournalLine { XCom = new XComLine("d", day.AddMinutes(i), "t", "rows", $"{i}") }, JournalLine.Json)));
        var key = new RunKey("d", day.AddMinutes(7));
        using (var store = OrchestratorStore.Open(dir.Path))
        {
            store.Push(key, "t", "pages", "3");
            var before = store.XComsRead;

            Assert.Equal(new Dictionary<string, string> { ["rows"] = "7", ["pages"] = "3" }, store.XComs(key, "t"));
            store.ClearXComs(key, "t");
            Assert.Empty(store.XComs(key, "t"));

            Assert.InRange(store.XComsRead - before, 2, 4);
            Assert.True(store.TryPull(new RunKey("d", day.AddMinutes(8)), "t", "rows", out var other));
            Assert.Equal("8", other);
        }
        using var reopened = OrchestratorStore.OpenReadOnly(dir.Path);
        Assert.False(reopened.TryPull(key, "t", "rows", out _));
        Assert.Equal(new Dictionary<string, string> { ["rows"] = "9" }, reopened.XComs(new RunKey("d", day.AddMinutes(9)), "t"));
    }
}
