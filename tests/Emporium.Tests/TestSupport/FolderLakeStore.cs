using System.Runtime.CompilerServices;
using Emporium.Lake;

namespace Emporium.Tests.TestSupport;

/// <summary>A minimal folder-backed <see cref="ILakeStore"/> for tests of code that only needs the interface
/// (atomic by temp file + rename, like the real local store).</summary>
public sealed class FolderLakeStore(string root) : ILakeStore
{
    public string Root { get; } = root;

    public string Describe => $"file:{Root}";

    public string FullPath(string path) => Path.Combine(Root, path.Replace('/', Path.DirectorySeparatorChar));

    public async Task WriteAsync(string path, Stream content, CancellationToken ct)
    {
        var full = FullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        var temp = full + $".tmp-{Guid.NewGuid():N}";
        await using (var file = File.Create(temp))
        {
            await content.CopyToAsync(file, ct);
        }
        File.Move(temp, full, overwrite: true);
    }

    public async Task WriteFileAsync(string path, string localFile, CancellationToken ct)
    {
        await using var source = File.OpenRead(localFile);
        await WriteAsync(path, source, ct);
    }

    public Task<Stream?> OpenReadAsync(string path, CancellationToken ct) =>
        Task.FromResult<Stream?>(File.Exists(FullPath(path)) ? File.OpenRead(FullPath(path)) : null);

    public async IAsyncEnumerable<LakeObject> ListAsync(string prefix, [EnumeratorCancellation] CancellationToken ct)
    {
        await Task.CompletedTask;
        if (!Directory.Exists(Root))
        {
            yield break;
        }
        foreach (var file in Directory.EnumerateFiles(Root, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            var relative = Path.GetRelativePath(Root, file).Replace(Path.DirectorySeparatorChar, '/');
            if (relative.StartsWith(prefix, StringComparison.Ordinal) && !relative.Contains(".tmp-", StringComparison.Ordinal))
            {
                var info = new FileInfo(file);
                yield return new LakeObject(relative, info.Length, info.LastWriteTimeUtc);
            }
        }
    }

    public Task DeleteAsync(string path, CancellationToken ct)
    {
        File.Delete(FullPath(path));
        return Task.CompletedTask;
    }

    public Task<bool> ExistsAsync(string path, CancellationToken ct) => Task.FromResult(File.Exists(FullPath(path)));
}
