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
}
