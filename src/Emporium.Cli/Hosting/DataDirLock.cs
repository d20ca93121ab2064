using System.Text.Json;

namespace Emporium.Cli.Hosting;

/// <summary>Single-owner lock of a data dir: <c>emporium.lock</c> held open with an exclusive OS lock (released by
/// the kernel even when the owner is killed), plus <c>server.json</c> with the owner's URL. Only the owner writes
/// the log, lake and warehouse; other processes find it here and use its API.</summary>
public sealed class DataDirLock : IDisposable
{
    private const string LockName = Emporium.Configuration.DataDirFiles.Lock;
    private const string InfoName = "server.json";
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };
    private readonly FileStream _handle;
    private readonly string _dataDir;
    private readonly Lock _publishing = new();

    /// <summary>The data dir's entries before it was locked; null when locking created the data dir.</summary>
    private readonly HashSet<string>? _before;

    private DataDirLock(string dataDir, FileStream handle, HashSet<string>? before)
    {
        _dataDir = dataDir;
        _handle = handle;
        _before = before;
    }

    /// <summary>Throws <see cref="StartupException"/> when <paramref name="dataDir"/> names a file: creating the folder
    /// would fail with .NET's "The file '…' already exists.", which reads as if the data dir's own files were in the
    /// way.</summary>
    public static void RefuseFile(string dataDir)
    {
        if (File.Exists(dataDir))
        {
            throw new StartupException($"data dir {dataDir} is a file, not a folder: give --data a folder (a missing one is created)");
        }
    }

    /// <summary>Takes the lock or throws <see cref="StartupException"/> naming the current owner.</summary>
    public static DataDirLock Acquire(string dataDir)
    {
        RefuseFile(dataDir);
        var before = Directory.Exists(dataDir) ? Directory.GetFileSystemEntries(dataDir).ToHashSet(StringComparer.Ordinal) : null;
        Directory.CreateDirectory(dataDir);
        FileStream? handle = null;
        try
        {
            handle = new FileStream(Path.Combine(dataDir, LockName), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            handle.SetLength(0);
            handle.Write(System.Text.Encoding.UTF8.GetBytes(Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture)));
            handle.Flush();
            File.Delete(Path.Combine(dataDir, InfoName));
            return new DataDirLock(dataDir, handle, before);
        }
        catch (IOException e) when (Emporium.Diagnostics.DiskFull.Is(e))
        {
            // Not "in use": the lock file could not be created or written. Closing it tries the unwritten pid again.
            try
            {
                handle?.Dispose();
            }
            catch (IOException)
            {
            }
            throw new IOException($"cannot lock data dir {dataDir}: no space left on device", e);
        }
        catch (IOException)
        {
            var owner = ReadInfo(dataDir);
            // Also what a second process of a split deployment meets when given the same --data.
            const string hint = "; every Emporium process needs a data dir of its own (--data), also when they share Kafka, S3 and PostgreSQL";
            throw new StartupException(owner is null
                ? $"data dir {dataDir} is already in use by another Emporium process{hint}"
                : $"data dir {dataDir} is already in use by the Emporium server at {owner.Url} (pid {owner.Pid}){hint}");
        }
    }

    /// <summary>The running owner of a data dir, or null when no process holds it.</summary>
    public static ServerInfo? FindOwner(string dataDir)
    {
        var path = Path.Combine(dataDir, LockName);
        if (!File.Exists(path))
        {
            return null;
        }
        try
        {
            using var probe = new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.None);
            return null;
        }
        catch (IOException)
        {
            // Held: a server owns the dir. It may not have published its URL yet; wait briefly for it.
            for (var i = 0; i < 50; i++)
            {
                if (ReadInfo(dataDir) is { } info)
                {
                    return info;
                }
                Thread.Sleep(100);
            }
            throw new InvalidOperationException($"data dir {dataDir} is locked by a process that has not published its URL (still starting?)");
        }
    }

    /// <summary>Publishes the owner's URL and state as <paramref name="current"/> gives them now (atomically: temp file +
    /// rename). The server publishes at start and from the key reloader's thread: one at a time, each reading the state
    /// inside, so two at once neither write the same temp file nor leave the older state last.</summary>
    public void Publish(Func<ServerInfo> current)
    {
        lock (_publishing)
        {
            var path = Path.Combine(_dataDir, InfoName);
            var temp = path + ".tmp";
            File.WriteAllText(temp, JsonSerializer.Serialize(current(), Json));
            File.Move(temp, path, overwrite: true);
        }
    }

    /// <summary>Releases the lock after opening the data dir failed (a backend refused its address, a server was
    /// unreachable, the port was taken), removing what the attempt created: the data dir itself when locking created
    /// it, else the entries that were not there before (a new log/, lake/, the lock file). Nothing in them was
    /// acknowledged, and the lock kept every other Emporium process out meanwhile.</summary>
    public void Abandon()
    {
        try
        {
            // Unlinked while still held, so no process can take the lock on this file after it is gone.
            foreach (var entry in Directory.GetFileSystemEntries(_dataDir).Where(e => _before?.Contains(e) != true))
            {
                if (Directory.Exists(entry))
                {
                    Directory.Delete(entry, recursive: true);
                }
                else
                {
                    File.Delete(entry);
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Best effort: the error that made the open fail is what the user needs to see.
        }
        Dispose();
        if (_before is null)
        {
            try
            {
                Directory.Delete(_dataDir);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
            }
        }
    }

    public void Dispose()
    {
        try
        {
            File.Delete(Path.Combine(_dataDir, InfoName));
        }
        catch (IOException)
        {
        }
        _handle.Dispose();
    }

    private static ServerInfo? ReadInfo(string dataDir)
    {
        try
        {
            return JsonSerializer.Deserialize<ServerInfo>(File.ReadAllText(Path.Combine(dataDir, InfoName)), Json);
        }
        catch (Exception e) when (e is IOException or JsonException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
