using Emporium.Lake;

namespace Emporium.Processing;

/// <summary>The end of a compaction (<see cref="LakeCompactor"/>), shared with recovery: finishing a published merge
/// (the replaced files and manifests go) or undoing one that was not published (its files go).</summary>
internal sealed class MergedManifests(ILakeStore lake, LakeManifestStore manifests)
{
    /// <summary>Deletes that run at once: each waits on a folder fsync, and a merge's inputs can name hundreds of files
    /// (one per clean partition per flush), all deleted while the processor's batches wait.</summary>
    private const int DeleteConcurrency = 8;

    /// <summary>Undoes a merge that will not be published: its files and pending manifest go.</summary>
    public async Task AbortAsync(LakeManifest merged, CancellationToken ct)
    {
        await DeleteAllAsync(merged.Files.Select(f => f.Path), ct).ConfigureAwait(false);
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

    /// <summary>Deletes the replaced manifests' files, then the manifests (a replaced manifest is hidden while the merged
    /// one exists, so a crash in between leaves nothing visible twice), then the pending copy of the merge, which keeps
    /// the merge finishable until the end.</summary>
    public async Task FinishAsync(LakeManifest merged, CancellationToken ct)
    {
        var keep = merged.Files.Select(f => f.Path).ToHashSet(StringComparer.Ordinal);
        var replaced = (await Task.WhenAll((merged.Replaces ?? []).Select(id => manifests.ReadPublishedAsync(merged.Dataset, id, ct))).ConfigureAwait(false))
            .OfType<LakeManifest>().ToList();
        await DeleteAllAsync(replaced.SelectMany(m => m.Files).Select(f => f.Path).Where(p => !keep.Contains(p)), ct).ConfigureAwait(false);
        await Parallel.ForEachAsync(replaced, new ParallelOptions { MaxDegreeOfParallelism = DeleteConcurrency, CancellationToken = ct },
            async (m, token) => await manifests.DeletePublishedAsync(merged.Dataset, m.Id, token).ConfigureAwait(false)).ConfigureAwait(false);
        await manifests.DeletePendingAsync(merged.Dataset, merged.Id, ct).ConfigureAwait(false);
    }

    private Task DeleteAllAsync(IEnumerable<string> paths, CancellationToken ct) =>
        Parallel.ForEachAsync(paths, new ParallelOptions { MaxDegreeOfParallelism = DeleteConcurrency, CancellationToken = ct },
            async (path, token) => await lake.DeleteAsync(path, token).ConfigureAwait(false));
}
