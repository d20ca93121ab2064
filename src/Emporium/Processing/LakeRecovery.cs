using Emporium.Datasets;
using Emporium.Lake;
using Emporium.Log;
using Microsoft.Extensions.Logging;

namespace Emporium.Processing;

/// <summary>Makes the lake agree with its committed offsets (stored in the warehouse under the lake's group) after a
/// crash, a failed flush or a replay. The warehouse is the single source of truth: a range is committed iff its last
/// offset is below the partition's committed next offset. Committed ranges whose manifest was not yet published get it (from the pending manifest
/// written before the commit); everything of uncommitted ranges (pending manifests, files, and published manifests
/// a replay rewound past) is deleted, so re-processing writes it again exactly once. A compaction that died is finished
/// or undone (<see cref="MergedManifests"/>) before anything else, so no replaced manifest outlives its merge.</summary>
internal sealed class LakeRecovery(ILakeStore lake, LakeManifestStore manifests, ILogger logger)
{
    private readonly MergedManifests _merged = new(lake, manifests);

    public async Task<RecoveryReport> RecoverAsync(
        DatasetSchema schema, IReadOnlySet<int> partitions, IReadOnlyDictionary<TopicPartition, long> committed, CancellationToken ct)
    {
        var dataset = schema.Name;
        long Committed(int partition) => committed.GetValueOrDefault(new TopicPartition(dataset, partition), 0);
        var published = 0;
        var deletedFiles = 0;
        var unpublished = 0;

        await foreach (var pending in manifests.ListPendingAsync(dataset, ct).ConfigureAwait(false))
        {
            if (!LakeLayout.TryParseOffsetRange(pending.Id, out var p, out _, out var last) || !partitions.Contains(p))
            {
                continue;
            }
            if (pending.Replaces is not null)
            {
                // A compaction: its inputs were committed long ago, so it is finished if it was published, else undone.
                if (await _merged.RecoverAsync(pending, ct).ConfigureAwait(false))
                {
                    published++;
                }
                else
                {
                    deletedFiles += pending.Files.Count;
                }
                continue;
            }
            if (last < Committed(p))
            {
                await manifests.PublishAsync(pending, ct).ConfigureAwait(false);
                published++;
            }
            else
            {
                foreach (var file in pending.Files)
                {
                    await lake.DeleteAsync(file.Path, ct).ConfigureAwait(false);
                    deletedFiles++;
                }
            }
            await manifests.DeletePendingAsync(dataset, pending.Id, ct).ConfigureAwait(false);
        }

        await foreach (var manifest in manifests.ListPublishedAsync(dataset, ct).ConfigureAwait(false))
        {
            if (LakeLayout.TryParseOffsetRange(manifest.Id, out var p, out var first, out _) && partitions.Contains(p) && first >= Committed(p))
            {
                // Invisible first, then gone: a reader never sees a manifest naming a missing file.
                await manifests.DeletePublishedAsync(dataset, manifest.Id, ct).ConfigureAwait(false);
                unpublished++;
                foreach (var file in manifest.Files)
                {
                    await lake.DeleteAsync(file.Path, ct).ConfigureAwait(false);
                    deletedFiles++;
                }
            }
        }

        // Files written before the pending manifest (a crash in the middle of a batch) are known only by name.
        foreach (var zone in new[] { LakeLayout.Raw, LakeLayout.Clean })
        {
            var orphans = new List<string>();
            await foreach (var item in lake.ListAsync($"{zone}/{dataset}/", ct).ConfigureAwait(false))
            {
                var name = item.Path[(item.Path.LastIndexOf('/') + 1)..];
                if (LakeLayout.TryParseOffsetRange(name, out var p, out var first, out _) && partitions.Contains(p) && first >= Committed(p))
                {
                    orphans.Add(item.Path);
                }
            }
            foreach (var path in orphans)
            {
                await lake.DeleteAsync(path, ct).ConfigureAwait(false);
                deletedFiles++;
            }
        }

        if (published + deletedFiles + unpublished > 0)
        {
            logger.LogInformation("lake recovery of {Dataset}: published {Published} committed manifests, withdrew {Unpublished}, deleted {Deleted} uncommitted files",
                dataset, published, unpublished, deletedFiles);
        }
        return new RecoveryReport(published, unpublished, deletedFiles);
    }
}

/// <summary>What one recovery pass changed.</summary>
public sealed record RecoveryReport(int PublishedManifests, int WithdrawnManifests, int DeletedFiles);
