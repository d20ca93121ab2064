using Emporium.Datasets;
using Emporium.Lake;
using Emporium.Log;

namespace Emporium.Processing;

/// <summary>Merges consecutive stream manifests of one log partition into one: per raw folder the NDJSON files
/// concatenated in offset order, per clean folder the Parquet files merged, under the range's compacted name
/// (<see cref="LakeLayout.CompactedRange"/>), so recovery and replay keep reasoning in offset ranges.
/// <para>Crash safety: <see cref="MergeAsync"/> first writes a pending manifest naming the merged files (so recovery can
/// delete them if nothing else happens), then the files; <see cref="CommitAsync"/>, under the processor's gate, checks
/// that nothing moved meanwhile (a replay, a recovery, a rebalance), publishes the merged manifest (readers then skip
/// the manifests it replaces), and deletes the replaced files and manifests, then the pending copy.
/// Recovery (<see cref="MergedManifests.RecoverAsync"/>) finishes a published merge or undoes an unpublished one.</para></summary>
internal sealed class LakeCompactor(ILakeStore lake, LakeManifestStore manifests, ParquetWriter parquet, string tempDirectory,
    LakeCompactionOptions options, TimeProvider time)
{
    private readonly MergedManifests _merged = new(lake, manifests);

    /// <summary>Runs of manifests to merge in the given partitions of a dataset, oldest first.</summary>
    public async Task<IReadOnlyList<CompactionPlan>> PlanAsync(string dataset, IReadOnlySet<int> partitions, CancellationToken ct)
    {
        var byPartition = new Dictionary<int, List<(LakeManifest Manifest, long First, long Last)>>();
        await foreach (var manifest in manifests.ListPublishedAsync(dataset, ct).ConfigureAwait(false))
        {
            if (LakeLayout.TryParseOffsetRange(manifest.Id, out var p, out var first, out var last) && partitions.Contains(p))
            {
                if (!byPartition.TryGetValue(p, out var list))
                {
                    byPartition[p] = list = [];
                }
                list.Add((manifest, first, last));
            }
        }
        var plans = new List<CompactionPlan>();
        foreach (var (partition, list) in byPartition.OrderBy(kv => kv.Key))
        {
            list.Sort((a, b) => a.First.CompareTo(b.First));
            var run = new List<LakeManifest>();
            long runBytes = 0;
            long runLast = -1;
            foreach (var (manifest, first, last) in list)
            {
                var bytes = manifest.Files.Sum(f => f.Bytes);
                var joins = run.Count > 0 && first == runLast + 1 && manifest.Level == run[0].Level && bytes < options.TargetBytes;
                if (!joins)
                {
                    run = [];
                    runBytes = 0;
                    if (bytes >= options.TargetBytes)
                    {
                        continue;
                    }
                }
                run.Add(manifest);
                runBytes += bytes;
                runLast = last;
                if (run.Count >= options.Fanout || (runBytes >= options.TargetBytes && run.Count >= 2))
                {
                    plans.Add(new CompactionPlan(dataset, partition, run));
                    run = [];
                    runBytes = 0;
                }
            }
        }
        return plans;
    }

    /// <summary>Writes the pending manifest of the merge, then the merged files (all undone if one fails). Returns the
    /// manifest to publish.</summary>
    public async Task<LakeManifest> MergeAsync(CompactionPlan plan, CancellationToken ct)
    {
        var files = plan.Inputs.SelectMany(m => m.Files)
            .GroupBy(f => (f.Zone, Folder: FolderOf(f.Path)))
            .Select(g => (g.Key.Zone, Path: $"{g.Key.Folder}/{plan.Id}{Path.GetExtension(g.First().Path)}", Inputs: g.ToList()))
            .ToList();
        var pending = plan.Manifest([.. files.Select(f => new LakeManifestFile(f.Path, f.Zone, 0, 0))], time.GetUtcNow());
        await manifests.WritePendingAsync(pending, ct).ConfigureAwait(false);

        var scratch = ScratchFolder.NewPath(tempDirectory, "compact");
        Directory.CreateDirectory(scratch);
        try
        {
            var written = new List<LakeManifestFile>();
            foreach (var (zone, path, inputs) in files)
            {
                var local = Path.Combine(scratch, $"out-{Guid.NewGuid():N}{Path.GetExtension(path)}");
                var rows = zone == LakeLayout.Clean
                    ? await MergeParquetAsync(inputs, scratch, local, ct).ConfigureAwait(false)
                    : await ConcatenateAsync(inputs, local, ct).ConfigureAwait(false);
                await lake.WriteFileAsync(path, local, ct).ConfigureAwait(false);
                written.Add(new LakeManifestFile(path, zone, rows, new FileInfo(local).Length));
                File.Delete(local);
            }
            return pending with { Files = written };
        }
        catch
        {
            await _merged.AbortAsync(pending, CancellationToken.None).ConfigureAwait(false);
            throw;
        }
        finally
        {
            Directory.Delete(scratch, recursive: true);
        }
    }

    /// <summary>Publishes the merge if every input is still published as planned and the pending manifest and the merged
    /// files are all there (a replay or a recovery in the meantime deletes them), then removes the inputs. Call under
    /// the processor's gate. Returns false, having changed nothing, when the merge is stale.</summary>
    public async Task<bool> CommitAsync(CompactionPlan plan, LakeManifest merged, Action<string>? faultInjection, CancellationToken ct)
    {
        foreach (var input in plan.Inputs)
        {
            if (await manifests.ReadPublishedAsync(plan.Dataset, input.Id, ct).ConfigureAwait(false) is not { } now || now.CreatedAt != input.CreatedAt)
            {
                return false;
            }
        }
        if (await manifests.ReadPendingAsync(plan.Dataset, merged.Id, ct).ConfigureAwait(false) is null)
        {
            return false;
        }
        foreach (var file in merged.Files)
        {
            if (!await lake.ExistsAsync(file.Path, ct).ConfigureAwait(false))
            {
                return false;
            }
        }
        await manifests.PublishAsync(merged, ct).ConfigureAwait(false);
        faultInjection?.Invoke("compaction-published");
        await _merged.FinishAsync(merged, CancellationToken.None).ConfigureAwait(false);
        return true;
    }

    /// <summary>Undoes a merge that <see cref="CommitAsync"/> refused: its files and pending manifest go.</summary>
    public Task AbortAsync(LakeManifest merged, CancellationToken ct) => _merged.AbortAsync(merged, ct);

    private async Task<long> MergeParquetAsync(IReadOnlyList<LakeManifestFile> inputs, string scratch, string local, CancellationToken ct)
    {
        var copies = new List<string>();
        foreach (var input in inputs)
        {
            // Never a name used before on this connection: DuckDB caches what it read of a file by its path, and a
            // rewritten file of the same name within the same second read back as the old bytes.
            var copy = Path.Combine(scratch, $"in-{Guid.NewGuid():N}.parquet");
            await DownloadAsync(input.Path, copy, append: false, ct).ConfigureAwait(false);
            copies.Add(copy);
        }
        var rows = await parquet.MergeLocalAsync(copies, local, ct).ConfigureAwait(false);
        copies.ForEach(File.Delete);
        return rows;
    }

    private async Task<long> ConcatenateAsync(IReadOnlyList<LakeManifestFile> inputs, string local, CancellationToken ct)
    {
        foreach (var input in inputs)
        {
            await DownloadAsync(input.Path, local, append: true, ct).ConfigureAwait(false);
        }
        return inputs.Sum(f => f.Rows);
    }

    private async Task DownloadAsync(string path, string local, bool append, CancellationToken ct)
    {
        await using var source = await lake.OpenReadAsync(path, ct).ConfigureAwait(false)
            ?? throw new FileNotFoundException($"lake file {path} of a published manifest is missing");
        await using var target = new FileStream(local, append ? FileMode.Append : FileMode.CreateNew, FileAccess.Write);
        await source.CopyToAsync(target, ct).ConfigureAwait(false);
    }

    private static string FolderOf(string path) => path[..path.LastIndexOf('/')];
}

/// <summary>Consecutive published manifests of one log partition, in offset order, to merge into one.</summary>
internal sealed record CompactionPlan(string Dataset, int Partition, IReadOnlyList<LakeManifest> Inputs)
{
    private long First => Range(Inputs[0]).First;

    private long Last => Range(Inputs[^1]).Last;

    public int Level => Inputs.Max(m => m.Level) + 1;

    public string Id => LakeLayout.CompactedRange(Partition, First, Last, Level);

    public LakeManifest Manifest(IReadOnlyList<LakeManifestFile> files, DateTimeOffset createdAt) =>
        new(Dataset, Id, new LogSource(new TopicPartition(Dataset, Partition), First, Last).ToString(), files, createdAt)
        {
            Replaces = [.. Inputs.Select(m => m.Id)],
            Level = Level,
        };

    private static (long First, long Last) Range(LakeManifest manifest) =>
        LakeLayout.TryParseOffsetRange(manifest.Id, out _, out var first, out var last)
            ? (first, last)
            : throw new InvalidOperationException($"manifest {manifest.Id} is not an offset range");
}
