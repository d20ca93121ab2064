using System.Runtime.CompilerServices;
using System.Text.Json;

namespace Emporium.Lake;

/// <summary>Reads and writes manifests under <c>_manifests/&lt;dataset&gt;/&lt;id&gt;.json</c> (published: visible)
/// and <c>_manifests/_pending/&lt;dataset&gt;/&lt;id&gt;.json</c> (written before the warehouse commit, so recovery
/// knows exactly which files a batch wrote). Each manifest is its own object, written atomically once, so the
/// scheme needs no read-modify-write and works on object stores without rename.</summary>
public sealed class LakeManifestStore(ILakeStore lake)
{
    /// <summary>Folder of the pending manifests under <c>_manifests/</c>.</summary>
    public const string PendingFolder = "_pending";
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public static string PublishedPath(string dataset, string id) => $"{LakeLayout.Manifests}/{dataset}/{id}.json";

    public static string PendingPath(string dataset, string id) => $"{LakeLayout.Manifests}/{PendingFolder}/{dataset}/{id}.json";

    public Task PublishAsync(LakeManifest manifest, CancellationToken ct) => WriteAsync(PublishedPath(manifest.Dataset, manifest.Id), manifest, ct);

    public Task WritePendingAsync(LakeManifest manifest, CancellationToken ct) => WriteAsync(PendingPath(manifest.Dataset, manifest.Id), manifest, ct);

    public Task DeletePendingAsync(string dataset, string id, CancellationToken ct) => lake.DeleteAsync(PendingPath(dataset, id), ct);

    public Task DeletePublishedAsync(string dataset, string id, CancellationToken ct) => lake.DeleteAsync(PublishedPath(dataset, id), ct);

    /// <summary>One published manifest, or null when there is none under that id.</summary>
    public Task<LakeManifest?> ReadPublishedAsync(string dataset, string id, CancellationToken ct) => ReadAsync(PublishedPath(dataset, id), ct);

    /// <summary>Published manifests of a dataset: the batches readers may see. A manifest that a published compaction
    /// replaced (<see cref="LakeManifest.Replaces"/>) and that is still stored, because the compaction is finishing or
    /// died before it finished, is left out: its rows are in the merged files.</summary>
    public async IAsyncEnumerable<LakeManifest> ListPublishedAsync(string dataset, [EnumeratorCancellation] CancellationToken ct)
    {
        var all = new List<LakeManifest>();
        await foreach (var manifest in ReadAllAsync($"{LakeLayout.Manifests}/{dataset}/", ct).ConfigureAwait(false))
        {
            all.Add(manifest);
        }
        var replaced = all.SelectMany(m => m.Replaces ?? []).ToHashSet(StringComparer.Ordinal);
        foreach (var manifest in all.Where(m => !replaced.Contains(m.Id)))
        {
            yield return manifest;
        }
    }

    /// <summary>One pending manifest, or null when there is none under that id.</summary>
    public Task<LakeManifest?> ReadPendingAsync(string dataset, string id, CancellationToken ct) => ReadAsync(PendingPath(dataset, id), ct);

    public IAsyncEnumerable<LakeManifest> ListPendingAsync(string dataset, CancellationToken ct) =>
        ReadAllAsync($"{LakeLayout.Manifests}/{PendingFolder}/{dataset}/", ct);

    /// <summary>Paths of the visible files of a dataset in one zone, in manifest order.</summary>
    public async Task<IReadOnlyList<string>> VisibleFilesAsync(string dataset, string zone, CancellationToken ct)
    {
        var files = new List<string>();
        await foreach (var manifest in ListPublishedAsync(dataset, ct).ConfigureAwait(false))
        {
            files.AddRange(manifest.Files.Where(f => f.Zone == zone).Select(f => f.Path));
        }
        return files;
    }

    private async Task WriteAsync(string path, LakeManifest manifest, CancellationToken ct)
    {
        using var buffer = new MemoryStream();
        await JsonSerializer.SerializeAsync(buffer, manifest, Json, ct).ConfigureAwait(false);
        buffer.Position = 0;
        await lake.WriteAsync(path, buffer, ct).ConfigureAwait(false);
    }

    private async IAsyncEnumerable<LakeManifest> ReadAllAsync(string prefix, [EnumeratorCancellation] CancellationToken ct)
    {
        var paths = new List<string>();
        await foreach (var item in lake.ListAsync(prefix, ct).ConfigureAwait(false))
        {
            var rest = item.Path[prefix.Length..];
            // Only direct children: the pending folder sits under the published root of no dataset, but a dataset
            // literally named "_pending" must not see other datasets' pending manifests.
            if (!rest.Contains('/') && rest.EndsWith(".json", StringComparison.Ordinal))
            {
                paths.Add(item.Path);
            }
        }
        paths.Sort(StringComparer.Ordinal);
        foreach (var path in paths)
        {
            if (await ReadAsync(path, ct).ConfigureAwait(false) is { } manifest)
            {
                yield return manifest; // (one deleted between listing and reading is skipped)
            }
        }
    }

    private async Task<LakeManifest?> ReadAsync(string path, CancellationToken ct)
    {
        await using var stream = await lake.OpenReadAsync(path, ct).ConfigureAwait(false);
        if (stream is null)
        {
            return null;
        }
        return await JsonSerializer.DeserializeAsync<LakeManifest>(stream, Json, ct).ConfigureAwait(false)
            ?? throw new InvalidDataException($"empty manifest {path}");
    }
}
