using System.Runtime.CompilerServices;
using Emporium.Log.Embedded;

namespace Emporium.Lake.Local;

/// <summary>The lake on a local folder. Every write goes to a hidden temp file in the target directory, is
/// fsync'd, renamed over the final name (atomic on POSIX) and the directory is fsync'd, so a reader or a crash
/// sees the old object or the whole new one, never a torn file.</summary>
public sealed class LocalLakeStore : ILakeStore
{
    private const string TempMarker = ".tmp-";

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
        var temp = Path.Combine(directory, "." + Path.GetFileName(target) + TempMarker + Guid.NewGuid().ToString("N"));
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
            TryDelete(temp);
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

    private static void TryDelete(string file)
    {
        try
        {
            File.Delete(file);
        }
        catch (IOException)
        {
            // Best effort: leftovers are hidden temp files that listings skip.
        }
    }
}
