using Emporium.Lake;

namespace Emporium.Processing;

/// <summary>The end of a compaction (<see cref="LakeCompactor"/>), shared with recovery: finishing a published merge
/// (the replaced files and manifests go) or undoing one that was not published (its files go).</summary>
internal sealed class MergedManifests(ILakeStore lake, LakeManifestStore manifests)
{
    /// <summary>Undoes a merge that will not be published: its files and pending manifest go.</summary>
    public async Task AbortAsync(LakeManifest merged, CancellationToken ct)
    {
        foreach (var file in merged.Files)
        {
            await lake.DeleteAsync(file.Path, ct).ConfigureAwait(false);
        }
        await manifests.DeletePendingAsync(merged.Dataset, merged.Id, ct).ConfigureAwait(false);
    }

    /// <summary>Recovery of a pending merge left by a crash: finished when its manifest was published, else undone.</summary>
    public async Task<bool> RecoverAsync(LakeManifest pending, CancellationToken ct)
    {
        if (await manifests.ReadPublishedAsync(pending.Dataset, pending.Id, ct).ConfigureAwait(false) is { } published)
        {
            await FinishAsync(published, ct).ConfigureAwait(false);
            return true;
        }
        await AbortAsync(pending, ct).ConfigureAwait(false);
        return false;
    }

    /// <summary>Deletes each replaced manifest's files, then the manifest (a replaced manifest is hidden while the
    /// merged one exists, so the order inside is free), then the pending copy of the merge.</summary>
    public async Task FinishAsync(LakeManifest merged, CancellationToken ct)
    {
        var keep = merged.Files.Select(f => f.Path).ToHashSet(StringComparer.Ordinal);
        foreach (var id in merged.Replaces ?? [])
        {
            if (await manifests.ReadPublishedAsync(merged.Dataset, id, ct).ConfigureAwait(false) is { } replaced)
            {
                foreach (var file in replaced.Files.Where(f => !keep.Contains(f.Path)))
                {
                    await lake.DeleteAsync(file.Path, ct).ConfigureAwait(false);
                }
                await manifests.DeletePublishedAsync(merged.Dataset, id, ct).ConfigureAwait(false);
            }
        }
        await manifests.DeletePendingAsync(merged.Dataset, merged.Id, ct).ConfigureAwait(false);
    }
}
