using System.Text;
using System.Text.Json;
using Emporium.Log.Embedded;

namespace Emporium.Orchestration;

/// <summary>The orchestrator's metadata: runs, task instances, tries, outputs (XComs) and per-try logs, under
/// <c>&lt;data&gt;/meta/orchestrator/</c>. State is an append-only JSON-lines journal fsynced on every change and
/// replayed at open (last line per entity wins), so a SIGKILL loses at most the line being written — which is ignored.
/// One process writes (an exclusive lock file); any number of processes may read (<see cref="OpenReadOnly"/>), which is
/// how <c>emporium dag runs/logs</c> work while a server runs.</summary>
public sealed partial class OrchestratorStore : IXComStore, IDisposable
{
    private readonly object sync = new();
    private readonly Dictionary<RunKey, DagRunInfo> runs = [];
    private readonly Dictionary<RunKey, Dictionary<string, TaskInstanceInfo>> tasks = [];
    private readonly Dictionary<(RunKey Run, string Task), SortedList<int, TaskTryInfo>> tries = [];
    /// <summary>Outputs by run and task, then key: a task's outputs are read and dropped (each clear, each re-run in
    /// place) without going through every output of every run.</summary>
    private readonly Dictionary<(RunKey Run, string Task), Dictionary<string, string>> xcoms = [];
    private long xcomsRead;
    private readonly Dictionary<string, DagStateInfo> dagStates = new(StringComparer.Ordinal);
    private readonly FileStream? lockFile;
    private FileStream? journal;
    private long journalLength;
    private bool journalTorn;
    private int lines;

    private OrchestratorStore(string directory, FileStream? lockFile)
    {
        Directory = directory;
        this.lockFile = lockFile;
    }

    /// <summary>Where a data dir keeps the orchestrator's metadata: <c>&lt;data&gt;/meta/orchestrator</c>.</summary>
    public static string DirectoryFor(string dataDir) => Path.Combine(Path.GetFullPath(dataDir), "meta", "orchestrator");

    /// <summary>The store's folder (journal, lock, logs).</summary>
    public string Directory { get; }

    public bool IsReadOnly => lockFile is null;

    public string JournalPath => Path.Combine(Directory, "journal.jsonl");

    /// <summary>Open as the single writer; throws <see cref="StoreLockedException"/> when another process is.</summary>
    public static OrchestratorStore Open(string directory, string? ownerUrl = null)
    {
        System.IO.Directory.CreateDirectory(directory);
        FileStream lockStream;
        try
        {
            // FileShare.None takes an exclusive flock on Unix: released by the kernel even on SIGKILL.
            lockStream = new FileStream(Path.Combine(directory, "lock"), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException ex)
        {
            throw new StoreLockedException(directory, StoreOwner.Read(Path.Combine(directory, "owner.json")), ex);
        }
        var store = new OrchestratorStore(directory, lockStream);
        try
        {
            new StoreOwner(Environment.ProcessId, ownerUrl).Write(Path.Combine(directory, "owner.json"));
            store.Replay(truncateTornTail: true);
            store.CompactIfWorthIt();
            // Unbuffered, so a failed write leaves no bytes behind in the stream to be written by a later one; not
            // Append mode, so a failed write's part line can be cut off again (SetLength).
            store.journal = OwnerOnly(store.JournalPath, FileMode.OpenOrCreate, FileShare.Read, bufferSize: 0);
            store.journalLength = store.journal.Seek(0, SeekOrigin.End);
        }
        catch
        {
            store.Dispose();
            throw;
        }
        return store;
    }

    /// <summary>A snapshot for reading while another process may be writing (a torn last line is skipped).</summary>
    public static OrchestratorStore OpenReadOnly(string directory)
    {
        var store = new OrchestratorStore(directory, lockFile: null);
        if (File.Exists(store.JournalPath))
        {
            store.Replay(truncateTornTail: false);
        }
        return store;
    }

    /// <summary>The owner recorded by the current writer, if any process holds the store.</summary>
    public static StoreOwner? CurrentOwner(string directory)
    {
        var lockPath = Path.Combine(directory, "lock");
        if (!File.Exists(lockPath))
        {
            return null;
        }
        try
        {
            using var probe = new FileStream(lockPath, FileMode.Open, FileAccess.ReadWrite, FileShare.None);
            return null;
        }
        catch (IOException)
        {
            return StoreOwner.Read(Path.Combine(directory, "owner.json")) ?? new StoreOwner(0, null);
        }
    }

    public void Save(DagRunInfo run)
    {
        lock (sync)
        {
            Append(new JournalLine { Run = run });
            SetRun(run);
        }
    }

    public void Save(TaskInstanceInfo task)
    {
        lock (sync)
        {
            Append(new JournalLine { Task = task });
            ApplyTask(task);
        }
    }

    public void Save(TaskTryInfo taskTry)
    {
        lock (sync)
        {
            Append(new JournalLine { Try = taskTry });
            ApplyTry(taskTry);
        }
    }

    /// <summary>A task's new state together with the try that caused it, as one line. <paramref name="durable"/> false
    /// skips the fsync (the next durable write carries it): for a try's start, whose loss in a crash only means the
    /// try is started again under the same number.</summary>
    public void Save(TaskInstanceInfo task, TaskTryInfo taskTry, bool durable = true)
    {
        lock (sync)
        {
            Append(new JournalLine { Task = task, Try = taskTry }, durable);
            ApplyTask(task);
            ApplyTry(taskTry);
        }
    }

    public void Push(RunKey run, string task, string key, string json)
    {
        lock (sync)
        {
            Append(new JournalLine { XCom = new XComLine(run.Dag, run.LogicalDate, task, key, json) });
            SetXCom(run, task, key, json);
        }
    }

    public bool TryPull(RunKey run, string task, string key, out string json)
    {
        lock (sync)
        {
            json = null!;
            return xcoms.TryGetValue((run, task), out var byKey) && byKey.TryGetValue(key, out json!);
        }
    }

    public IReadOnlyDictionary<string, string> XComs(RunKey run, string task)
    {
        lock (sync)
        {
            if (!xcoms.TryGetValue((run, task), out var byKey))
            {
                return new Dictionary<string, string>();
            }
            Interlocked.Add(ref xcomsRead, byKey.Count);
            return new Dictionary<string, string>(byKey);
        }
    }

    public void ClearXComs(RunKey run, string task)
    {
        lock (sync)
        {
            Append(new JournalLine { XComClear = new XComLine(run.Dag, run.LogicalDate, task, null, null) });
            RemoveXComs(run, task);
        }
    }

    /// <summary>The run of <paramref name="dag"/> a date given by hand names: the run at that very date when there is
    /// one, otherwise the one its schedule makes that day (<see cref="DagSchedule.RunOn"/>).</summary>
    public RunKey RunKeyFor(Dag dag, DateTime date)
    {
        var exact = new RunKey(dag.Name, DateTime.SpecifyKind(date, DateTimeKind.Utc));
        return GetRun(exact) is not null ? exact : new RunKey(dag.Name, dag.ScheduleInterval.RunOn(exact.LogicalDate));
    }

    public DagRunInfo? GetRun(RunKey key)
    {
        lock (sync)
        {
            return runs.GetValueOrDefault(key);
        }
    }

    public TaskInstanceInfo? GetTask(RunKey run, string task)
    {
        lock (sync)
        {
            return tasks.TryGetValue(run, out var byName) ? byName.GetValueOrDefault(task) : null;
        }
    }

    public IReadOnlyList<TaskInstanceInfo> Tasks(RunKey run)
    {
        lock (sync)
        {
            return tasks.TryGetValue(run, out var byName) ? byName.Values.ToList() : [];
        }
    }

    public IReadOnlyList<TaskTryInfo> Tries(RunKey run, string task)
    {
        lock (sync)
        {
            return tries.TryGetValue((run, task), out var list) ? list.Values.ToList() : [];
        }
    }

    public void Dispose()
    {
        lock (sync)
        {
            journal?.Dispose();
            journal = null;
        }
        // After the journal is gone, so no log write reopens a file behind this.
        lock (logFiles)
        {
            CloseLogs();
        }
        lock (sync)
        {
            lockFile?.Dispose();
        }
    }

    /// <summary>The journal keeps run parameters as given, a connection string's password included (a retry after a
    /// restart needs it): only its owner may read it. A file an older version left readable is tightened too.</summary>
    private static FileStream OwnerOnly(string path, FileMode mode, FileShare share, int bufferSize = 4096)
    {
        var options = new FileStreamOptions { Mode = mode, Access = FileAccess.Write, Share = share, BufferSize = bufferSize };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }
        var stream = new FileStream(path, options);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(stream.SafeFileHandle, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
        return stream;
    }

    /// <summary>Test seam: an exception returned here fails the next journal write after half its line is written, as
    /// a disk that fills up during the write does.</summary>
    internal Func<Exception?>? WriteFault { get; set; }

    /// <summary>Writes one line, or throws <see cref="JournalWriteException"/> with the journal as it was before: the
    /// change is not applied (callers apply it only after this returns), and the part of the line a full disk took
    /// is cut off, so the next line does not run into it and get lost with it at the next start.</summary>
    private void Append(JournalLine line, bool durable = true)
    {
        if (journal is null)
        {
            throw new InvalidOperationException(IsReadOnly ? "the metadata store was opened read-only" : "the metadata store is closed");
        }
        var json = JsonSerializer.SerializeToUtf8Bytes(line, JournalLine.Json);
        // A part line that could not be cut off is ended by a line break of its own: it is then skipped at replay.
        var lead = journalTorn ? 1 : 0;
        var bytes = new byte[lead + json.Length + 1];
        bytes[0] = (byte)'\n';
        json.CopyTo(bytes, lead);
        bytes[^1] = (byte)'\n';
        try
        {
            if (WriteFault?.Invoke() is { } fault)
            {
                journal.Write(bytes, 0, bytes.Length / 2);
                throw fault;
            }
            journal.Write(bytes);
            // Durable before the change is acted on: a task never starts on the strength of an unsaved upstream success.
            journal.Flush(flushToDisk: durable);
        }
        catch (IOException e)
        {
            CutBackJournal();
            throw new JournalWriteException(JournalPath, e);
        }
        journalLength += bytes.Length;
        journalTorn = false;
        lines++;
    }

    private void CutBackJournal()
    {
        try
        {
            journal!.SetLength(journalLength);
            journal.Position = journalLength;
            journalTorn = false;
        }
        catch (IOException)
        {
            journalTorn = true;
            journal!.Position = journal.Length;
        }
    }

    private void Apply(JournalLine line)
    {
        if (line.Run is { } run)
        {
            SetRun(run);
        }
        if (line.Task is { } task)
        {
            ApplyTask(task);
        }
        if (line.Try is { } taskTry)
        {
            ApplyTry(taskTry);
        }
        if (line.XCom is { Key: not null, Value: not null } x)
        {
            SetXCom(new RunKey(x.Dag, x.LogicalDate), x.Task, x.Key, x.Value);
        }
        if (line.XComClear is { } c)
        {
            RemoveXComs(new RunKey(c.Dag, c.LogicalDate), c.Task);
        }
        if (line.DagState is { } state)
        {
            dagStates[state.Dag] = state;
        }
    }

    private void ApplyTask(TaskInstanceInfo task)
    {
        if (!tasks.TryGetValue(task.Run, out var byName))
        {
            tasks[task.Run] = byName = new Dictionary<string, TaskInstanceInfo>(StringComparer.Ordinal);
        }
        byName[task.Task] = task;
    }

    private void ApplyTry(TaskTryInfo taskTry)
    {
        if (!tries.TryGetValue((taskTry.Run, taskTry.Task), out var list))
        {
            tries[(taskTry.Run, taskTry.Task)] = list = [];
        }
        list[taskTry.Try] = taskTry;
    }

    /// <summary>Test seam: how many outputs the store has read to answer or drop a task's outputs.</summary>
    internal long XComsRead => Interlocked.Read(ref xcomsRead);

    private void SetXCom(RunKey run, string task, string key, string json)
    {
        if (!xcoms.TryGetValue((run, task), out var byKey))
        {
            xcoms[(run, task)] = byKey = new Dictionary<string, string>(StringComparer.Ordinal);
        }
        byKey[key] = json;
    }

    private void RemoveXComs(RunKey run, string task)
    {
        if (xcoms.Remove((run, task), out var byKey))
        {
            Interlocked.Add(ref xcomsRead, byKey.Count);
        }
    }

    private void Replay(bool truncateTornTail)
    {
        if (!File.Exists(JournalPath))
        {
            return;
        }
        using var stream = new FileStream(JournalPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        long goodLength = 0;
        var buffer = new MemoryStream();
        int b;
        // Read bytes, not text, so the byte offset of the last complete line is exact for truncation.
        while ((b = stream.ReadByte()) >= 0)
        {
            if (b != '\n')
            {
                buffer.WriteByte((byte)b);
                continue;
            }
            if (TryParse(buffer.GetBuffer().AsSpan(0, (int)buffer.Length), out var line))
            {
                Apply(line);
                lines++;
                goodLength = stream.Position;
            }
            buffer.SetLength(0);
        }
        stream.Dispose();
        if (truncateTornTail && goodLength < new FileInfo(JournalPath).Length)
        {
            using var truncate = new FileStream(JournalPath, FileMode.Open, FileAccess.Write, FileShare.Read);
            truncate.SetLength(goodLength);
            truncate.Flush(flushToDisk: true);
        }
    }

    private static bool TryParse(ReadOnlySpan<byte> bytes, out JournalLine line)
    {
        try
        {
            line = JsonSerializer.Deserialize<JournalLine>(bytes, JournalLine.Json)!;
            return line is not null;
        }
        catch (JsonException)
        {
            line = null!;
            return false;
        }
    }

    /// <summary>Rewrites the journal as one line per live entity when most lines are superseded history.</summary>
    private void CompactIfWorthIt()
    {
        var live = dagStates.Count + runs.Count + tasks.Values.Sum(t => t.Count) + tries.Values.Sum(t => t.Count) + xcoms.Values.Sum(x => x.Count);
        if (lines < 1000 || lines < 4 * live)
        {
            return;
        }
        var tmp = JournalPath + ".tmp";
        using (var output = OwnerOnly(tmp, FileMode.Create, FileShare.None))
        {
            void Write(JournalLine line)
            {
                output.Write(JsonSerializer.SerializeToUtf8Bytes(line, JournalLine.Json));
                output.WriteByte((byte)'\n');
            }
            foreach (var state in dagStates.Values)
            {
                Write(new JournalLine { DagState = state });
            }
            foreach (var run in runs.Values)
            {
                Write(new JournalLine { Run = run });
            }
            foreach (var task in tasks.Values.SelectMany(t => t.Values))
            {
                Write(new JournalLine { Task = task });
            }
            foreach (var t in tries.Values.SelectMany(t => t.Values))
            {
                Write(new JournalLine { Try = t });
            }
            foreach (var ((run, task), byKey) in xcoms)
            {
                foreach (var (key, value) in byKey)
                {
                    Write(new JournalLine { XCom = new XComLine(run.Dag, run.LogicalDate, task, key, value) });
                }
            }
            output.Flush(flushToDisk: true);
        }
        File.Move(tmp, JournalPath, overwrite: true);
        // The rename itself survives a crash only once the directory is synced; until then the old journal may return.
        DurableFiles.SyncDirectory(Directory);
        lines = live;
    }
}
