namespace Emporium.Lake;

/// <summary>What the lake holds per dataset (or stage name), from its manifests: the published manifests by compaction
/// level, the pending ones (a write or a merge in progress, or left by a crash for recovery), and per zone the visible
/// files, rows and bytes. <c>emporium lake stats</c> and <c>GET /api/v1/lake</c> show it.</summary>
/// <param name="Lake">The lake's address (<see cref="ILakeStore.Describe"/>).</param>
/// <param name="Datasets">One entry per dataset with manifests, by name.</param>
public sealed record LakeReport(string Lake, IReadOnlyList<LakeDatasetReport> Datasets)
{
    public static async Task<LakeReport> ReadAsync(ILakeStore lake, CancellationToken ct)
    {
        var manifests = new LakeManifestStore(lake);
        var names = new SortedSet<string>(StringComparer.Ordinal);
        var pending = new Dictionary<string, int>(StringComparer.Ordinal);
        var root = $"{LakeLayout.Manifests}/";
        await foreach (var item in lake.ListAsync(root, ct).ConfigureAwait(false))
        {
            var parts = item.Path[root.Length..].Split('/');
            if (parts is [var dataset, _] && dataset != LakeManifestStore.PendingFolder)
            {
                names.Add(dataset);
            }
            else if (parts is [LakeManifestStore.PendingFolder, var pendingOf, _])
            {
                names.Add(pendingOf);
                pending[pendingOf] = pending.GetValueOrDefault(pendingOf) + 1;
            }
        }
        var datasets = new List<LakeDatasetReport>();
        foreach (var name in names)
        {
            var levels = new SortedDictionary<int, int>();
            var zones = new SortedDictionary<string, (int Files, long Rows, long Bytes)>(StringComparer.Ordinal);
            await foreach (var manifest in manifests.ListPublishedAsync(name, ct).ConfigureAwait(false))
            {
                levels[manifest.Level] = levels.GetValueOrDefault(manifest.Level) + 1;
                foreach (var file in manifest.Files)
                {
                    var (files, rows, bytes) = zones.GetValueOrDefault(file.Zone);
                    zones[file.Zone] = (files + 1, rows + file.Rows, bytes + file.Bytes);
                }
            }
            datasets.Add(new LakeDatasetReport(name, levels.Values.Sum(), levels, pending.GetValueOrDefault(name),
                zones.Select(z => new LakeZoneReport(z.Key, z.Value.Files, z.Value.Rows, z.Value.Bytes)).ToList()));
        }
        return new LakeReport(lake.Describe, datasets);
    }
}

/// <summary>One dataset's share of the lake.</summary>
/// <param name="Dataset">Dataset or stage name.</param>
/// <param name="Manifests">Published manifests readers see.</param>
/// <param name="ManifestsByLevel">Those manifests by compaction level (0: as flushed or loaded).</param>
/// <param name="Pending">Pending manifests.</param>
/// <param name="Zones">Visible files, rows and bytes per zone.</param>
public sealed record LakeDatasetReport(string Dataset, int Manifests, IReadOnlyDictionary<int, int> ManifestsByLevel, int Pending, IReadOnlyList<LakeZoneReport> Zones);

/// <summary>The visible files of one zone of a dataset.</summary>
public sealed record LakeZoneReport(string Zone, int Files, long Rows, long Bytes);
