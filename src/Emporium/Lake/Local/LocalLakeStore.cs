using System.Globalization;
using System.Runtime.CompilerServices;
using Emporium.Log.Embedded;

namespace Emporium.Lake.Local;

/// <summary>The lake on a local folder. Every write goes to a hidden temp file in the target directory, is
/// fsync'd, renamed over the final name (atomic on POSIX) and the directory is fsync'd, so a reader or a crash
/// sees the old object or the whole new one, never a torn file.</summary>
public sealed class LocalLakeStore : ILakeStore
{
    private const string TempMarker = ".tmp-";

    /// <summary>How far a file's time may lag the clock it is compared with: a kernel tick, or a whole second (two on
    /// FAT) on file systems that store coarser times.</summary>
    private static readonly TimeSpan FileTimeSlack = TimeSpan.FromSeconds(2);

    public LocalLakeStore(string root)
    {
        Root = Path.GetFullPath(root);
        Directory.CreateDirectory(Root);
        Describe = "file:" + Root;
    }

    public string Root { get; }

    public string Describe { get; }

    public async Task WriteAsync(string path, Stream content, CancellationToken ct)
    {
        var target = Resolve(path);
        var directory = Path.GetDirectoryName(target)!;
        Directory.CreateDirectory(directory);
        // The writer's process id in the name tells a killed writer's leftover from a running one's (DeleteAbandonedTempFiles).
        var temp = Path.Combine(directory, string.Create(CultureInfo.InvariantCulture,
            $".{Path.GetFileName(target)}{TempMarker}{ScratchFolder.OwnerToken}-{Guid.NewGuid():N}"));
        try
        {
            await using (var file = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, FileOptions.Asynchronous))
            {
                await content.CopyToAsync(file, ct).ConfigureAwait(false);
                await file.FlushAsync(ct).ConfigureAwait(false);
                file.Flush(flushToDisk: true);
            }
            File.Move(temp, target, overwrite: true);
            DurableFiles.SyncDirectory(directory);
        }
        catch
        {
            _ = TryDelete(temp);
            throw;
        }
    }

    public async Task WriteFileAsync(string path, string localFile, CancellationToken ct)
    {
        await using var source = new FileStream(localFile, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.Asynchronous | FileOptions.SequentialScan);
        await WriteAsync(path, source, ct).ConfigureAwait(false);
    }

    public Task<Stream?> OpenReadAsync(string path, CancellationToken ct)
    {
        var full = Resolve(path);
        try
        {
            return Task.FromResult<Stream?>(new FileStream(full, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1 << 16, FileOptions.Asynchronous));
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return Task.FromResult<Stream?>(null);
        }
    }

    public async IAsyncEnumerable<LakeObject> ListAsync(string prefix, [EnumeratorCancellation] CancellationToken ct)
    {
        // The prefix may end inside a file name ("clean/orders/date=2010-12-01/p0-"): list its directory part.
        var slash = prefix.LastIndexOf('/');
        var directoryPart = slash >= 0 ? prefix[..slash] : "";
        var directory = directoryPart.Length == 0 ? Root : Resolve(directoryPart);
        if (!Directory.Exists(directory))
        {
            yield break;
        }
        foreach (var file in Directory.EnumerateFiles(directory, "*", SearchOption.AllDirectories))
        {
            ct.ThrowIfCancellationRequested();
            var name = Path.GetFileName(file);
            if (name.StartsWith('.') && name.Contains(TempMarker, StringComparison.Ordinal))
            {
                continue;
            }
            var relative = Path.GetRelativePath(Root, file).Replace(Path.DirectorySeparatorChar, '/');
            if (!relative.StartsWith(prefix, StringComparison.Ordinal))
            {
                continue;
            }
            FileInfo info = new(file);
            if (!info.Exists)
            {
                continue;
            }
            yield return new LakeObject(relative, info.Length, info.LastWriteTimeUtc);
        }
        await Task.CompletedTask.ConfigureAwait(false);
    }

    public Task DeleteAsync(string path, CancellationToken ct)
    {
        var full = Resolve(path);
        if (File.Exists(full))
        {
            File.Delete(full);
            DurableFiles.SyncDirectory(Path.GetDirectoryName(full)!);
        }
        return Task.CompletedTask;
    }

    public Task<bool> ExistsAsync(string path, CancellationToken ct) => Task.FromResult(File.Exists(Resolve(path)));

    /// <summary>Full local path of a lake path (for tools such as DuckDB's read_parquet in tests and the CLI).</summary>
    public string Resolve(string path)
    {
        LakePath.Validate(path);
        var full = Path.GetFullPath(Path.Combine(Root, path));
        if (!full.StartsWith(Root + Path.DirectorySeparatorChar, StringComparison.Ordinal))
        {
            throw new ArgumentException($"lake path escapes the lake root: '{path}'", nameof(path));
        }
        return full;
    }

    /// <summary>Deletes the temp files that writers killed mid-write left: a process killed between creating one and
    /// renaming it into place cannot delete it, and listings skip it, so it used to stay for good (up to a whole
    /// merged or loaded Parquet file per kill). A temp file is abandoned when the process named in it (id and start
    /// time) has ended, or, when it names only this process's id or nothing (written by an earlier version), when it
    /// was last written more than <see cref="FileTimeSlack"/> before <paramref name="before"/>, the moment this process
    /// began to use the lake. A running process's stays, this process's own whatever its time. Returns how many
    /// went.</summary>
    public int DeleteAbandonedTempFiles(DateTime before)
    {
        var removed = 0;
        foreach (var file in Directory.EnumerateFiles(Root, ".*" + TempMarker + "*", SearchOption.AllDirectories))
        {
            var name = Path.GetFileName(file);
            var owner = TempOwner(name.AsSpan(name.LastIndexOf(TempMarker, StringComparison.Ordinal) + TempMarker.Length));
            // An owner with its start time is known exactly: this process's own files (in flight, whatever their
            // time) are kept, an earlier process of the same id (a restarted container) left its. Only a bare id of
            // this process or none falls back to the time, with slack: the kernel stamps files from a clock coarser
            // than the one `before` came from.
            var abandoned = owner is { } o && (o.Started is not null || o.Pid != Environment.ProcessId)
                ? !ScratchFolder.IsRunning(o)
                : File.GetLastWriteTimeUtc(file) < before - FileTimeSlack;
            if (abandoned && TryDelete(file))
            {
                removed++;
            }
        }
        return removed;
    }

    /// <summary>The owner in the part of a temp name after <see cref="TempMarker"/> (<c>OWNER-GUID</c>, OWNER a
    /// <see cref="ScratchFolder.OwnerToken"/>), or null.</summary>
    private static ScratchFolder.Owner? TempOwner(ReadOnlySpan<char> suffix) =>
        suffix.IndexOf('-') is > 0 and var dash ? ScratchFolder.ParseOwner(suffix[..dash]) : null;

    private static bool TryDelete(string file)
    {
        try
        {
            File.Delete(file);
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Best effort: leftovers are hidden temp files that listings skip.
            return false;
        }
    }
}
