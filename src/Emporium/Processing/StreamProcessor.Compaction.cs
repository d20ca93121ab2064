using Emporium.Log;
using Microsoft.Extensions.Logging;

namespace Emporium.Processing;

public sealed partial class StreamProcessor
{
    /// <summary>Starts a background compaction pass over the partitions this member owns, at most every
    /// <see cref="LakeCompactionOptions.Interval"/> and one at a time. Called under the gate.</summary>
    private void StartCompactionIfDue(CancellationToken ct)
    {
        if (_compactor is null || !_compaction.IsCompleted || _time.GetElapsedTime(_lastCompaction) < _options.Compaction.Interval)
        {
            return;
        }
        _lastCompaction = _time.GetTimestamp();
        var owned = _recovered.ToList();
        _compaction = Task.Run(async () =>
        {
            try
            {
                await CompactAsync(owned, ct).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
            }
            catch (Exception e)
            {
                // Nothing is lost: the merge is undone (now or by the next recovery) and the next pass tries again.
                _logger.LogWarning(e, "lake compaction failed; the next pass tries again");
            }
        }, CancellationToken.None);
    }

    /// <summary>Runs one compaction pass now over the partitions this member owns (<see cref="LakeCompactor"/>).</summary>
    public async Task<CompactionReport> CompactLakeAsync(CancellationToken ct)
    {
        if (_compactor is null)
        {
            return new CompactionReport(0, 0, 0, 0);
        }
        List<TopicPartition> owned;
        await _gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            owned = _recovered.ToList();
        }
        finally
        {
            _gate.Release();
        }
        return await CompactAsync(owned, ct).ConfigureAwait(false);
    }

    /// <summary>Merges what the plan finds, one run at a time: the files are written outside the gate (batches go on
    /// meanwhile), the publish under it. Passes never overlap: two passes would plan the same merge under one name.</summary>
    private async Task<CompactionReport> CompactAsync(IReadOnlyCollection<TopicPartition> owned, CancellationToken ct)
    {
        var compactor = _compactor!;
        var report = new CompactionReport(0, 0, 0, 0);
        await _compactionGate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            foreach (var dataset in owned.GroupBy(tp => tp.Topic).OrderBy(g => g.Key, StringComparer.Ordinal))
            {
                foreach (var plan in await compactor.PlanAsync(dataset.Key, dataset.Select(tp => tp.Partition).ToHashSet(), ct).ConfigureAwait(false))
                {
                    var merged = await compactor.MergeAsync(plan, ct).ConfigureAwait(false);
                    FaultInjection?.Invoke("compaction-merged");
                    var published = false;
                    try
                    {
                        await _gate.WaitAsync(ct).ConfigureAwait(false);
                    }
                    catch (OperationCanceledException)
                    {
                        // A stop while waiting: the merge is not published, so it goes now rather than at the next start.
                        await compactor.AbortAsync(merged, CancellationToken.None).ConfigureAwait(false);
                        throw;
                    }
                    try
                    {
                        // A partition that moved to another member, or was recovered again (a replay), is not ours to
                        // change, or has changed: the re-check inside finds the latter too.
                        published = _recovered.Contains(new TopicPartition(plan.Dataset, plan.Partition))
                            && await compactor.CommitAsync(plan, merged, FaultInjection, ct).ConfigureAwait(false);
                        if (!published)
                        {
                            await compactor.AbortAsync(merged, CancellationToken.None).ConfigureAwait(false);
                        }
                    }
                    finally
                    {
                        _gate.Release();
                    }
                    if (published)
                    {
                        report = report.Add(plan.Inputs.Count, plan.Inputs.Sum(m => m.Files.Count), merged.Files.Count);
                    }
                }
            }
        }
        finally
        {
            _compactionGate.Release();
        }
        if (report.Merges > 0)
        {
            _logger.LogInformation("lake compaction: {Manifests} manifests merged into {Merges} ({FilesBefore} files into {FilesAfter})",
                report.ManifestsMerged, report.Merges, report.FilesBefore, report.FilesAfter);
        }
        _stats.Compacted(report);
        return report;
    }
}

/// <summary>What one compaction pass merged.</summary>
/// <param name="Merges">Merged manifests published.</param>
/// <param name="ManifestsMerged">Manifests they replaced.</param>
/// <param name="FilesBefore">Files of the replaced manifests.</param>
/// <param name="FilesAfter">Files of the merged ones.</param>
public sealed record CompactionReport(int Merges, int ManifestsMerged, int FilesBefore, int FilesAfter)
{
    internal CompactionReport Add(int manifests, int filesBefore, int filesAfter) =>
        new(Merges + 1, ManifestsMerged + manifests, FilesBefore + filesBefore, FilesAfter + filesAfter);
}
