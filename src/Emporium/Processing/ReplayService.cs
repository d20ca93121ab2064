using Emporium.Datasets;
using Emporium.Lake;
using Emporium.Log;
using Emporium.Warehouse;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Emporium.Processing;

/// <summary>Rewinds the processor group of one dataset to an earlier offset so the processor reads the log again.
/// Upsert datasets are idempotent under replay (the same keys get the same latest values). For append datasets
/// (orders) the rows of every offset range at or after the new position are deleted in the same transaction that
/// moves the offsets, so re-reading them cannot count a line twice; so are the dead letters of the topic's records the
/// warehouse refused, which the replay reads (and has refused) again. Batches are atomic units, so a position inside
/// a committed range is moved back to the start of that range (reported as the effective offset). Nothing before the
/// log's start offset (where retention deleted segments) is withdrawn: its rows could not be read again.</summary>
public sealed class ReplayService(IWarehouse warehouse, ILakeStore lake, IEventLog log, ILogger? logger = null)
{
    private readonly LakeManifestStore _manifests = new(lake);

    /// <exception cref="UnknownPartitionException">The topic has partitions and <paramref name="partition"/> is none of them.</exception>
    public async Task<IReadOnlyList<ReplayResult>> ReplayAsync(
        string group, DatasetSchema schema, long fromOffset, int? partition, CancellationToken ct)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(fromOffset);
        if (partition is { } asked
            && (await log.GetEndOffsetsAsync(schema.Name, ct).ConfigureAwait(false)).Keys.Select(tp => tp.Partition).Order().ToList() is { Count: > 0 } partitions
            && !partitions.Contains(asked))
        {
            throw new UnknownPartitionException(schema.Name, asked, partitions);
        }
        var committed = (await warehouse.GetOffsetsAsync(group, ct).ConfigureAwait(false))
            .Where(kv => kv.Key.Topic == schema.Name && (partition is null || kv.Key.Partition == partition))
            .ToDictionary(kv => kv.Key, kv => kv.Value);
        var results = new List<ReplayResult>();
        var moved = new Dictionary<TopicPartition, long>();
        var expected = new Dictionary<TopicPartition, long>();
        var deleteSources = new List<string>();

        var ranges = await CommittedRangesAsync(schema, ct).ConfigureAwait(false);
        var logStarts = committed.Count == 0 ? new Dictionary<TopicPartition, long>() : await log.GetStartOffsetsAsync(schema.Name, ct).ConfigureAwait(false);
        foreach (var (tp, current) in committed.OrderBy(kv => kv.Key.Partition))
        {
            // Retention deleted what lies before the log's start: rows withdrawn from there could never come back.
            var logStart = logStarts.GetValueOrDefault(tp);
            var readable = Math.Max(fromOffset, logStart);
            var partitionRanges = ranges.Where(r => r.Partition == tp).ToList();
            // Back to a point no range straddles: the warehouse's batches and the lake's files need not share
            // boundaries (the lake re-reads what it lacked after a restart in batches of its own, and compaction
            // merges its ranges), and moving to one range's start can land inside another.
            var effective = readable;
            for (var earlier = Start(partitionRanges, effective); earlier < effective; earlier = Start(partitionRanges, effective))
            {
                effective = earlier;
            }
            if (effective < logStart)
            {
                // A range holds offsets on both sides of the log's start: replay from past the end of such ranges.
                effective = readable;
                for (var later = End(partitionRanges, effective); later > effective; later = End(partitionRanges, effective))
                {
                    effective = later;
                }
            }
            if (effective >= current)
            {
                results.Add(new ReplayResult(tp, fromOffset, current, current, 0, logStart));
                continue;
            }
            var sources = partitionRanges
                .Where(r => r.First >= effective && (r.Table == Rows.DeadLetters || (r.Table == Rows.Dataset && schema.Mode == WriteMode.Append)))
                .Select(r => r.ToString()).Distinct().ToList();
            deleteSources.AddRange(sources);
            moved[tp] = effective;
            expected[tp] = current;
            results.Add(new ReplayResult(tp, fromOffset, effective, current, sources.Count, logStart));
        }
        if (moved.Count == 0)
        {
            return results;
        }

        await warehouse.CommitAsync(
            new WarehouseBatch([], group, moved, ExpectedOffsets: expected, DeleteSources: deleteSources,
                DeleteFrom: ranges.Any(r => r.Table == Rows.DeadLetters) ? [schema, DatasetCatalog.DeadLetters] : [schema]),
            ct).ConfigureAwait(false);

        // The lake follows the warehouse: its positions move back too (a partition without one stood where the
        // warehouse did), and manifests and files of the rewound ranges go now (the processor's own recovery would do
        // the same on its next start or failure).
        var lakeGroup = StreamProcessorOptions.LakeGroupOf(group);
        var lakeStored = await warehouse.GetOffsetsAsync(lakeGroup, ct).ConfigureAwait(false);
        var after = committed.ToDictionary(kv => kv.Key, kv => moved.GetValueOrDefault(kv.Key, kv.Value));
        var lakeAfter = committed.ToDictionary(kv => kv.Key, kv => LakePositions.Of(kv.Key, lakeStored, after));
        if (lakeStored.Count > 0)
        {
            var lakeMoved = moved.Keys.ToDictionary(tp => tp, tp => lakeAfter[tp]);
            await warehouse.CommitAsync(
                new WarehouseBatch([], lakeGroup, lakeMoved, ExpectedOffsets: moved.Keys.ToDictionary(tp => tp, tp => lakeStored.GetValueOrDefault(tp, 0))),
                ct).ConfigureAwait(false);
        }
        var recovery = new LakeRecovery(lake, _manifests, logger ?? NullLogger.Instance);
        await recovery.RecoverAsync(schema, moved.Keys.Select(k => k.Partition).ToHashSet(), lakeAfter, ct).ConfigureAwait(false);
        return results;
    }

    /// <summary>The start of the earliest range that holds <paramref name="offset"/> past its own start, or the offset.</summary>
    private static long Start(IEnumerable<RangeRef> ranges, long offset) =>
        ranges.Where(r => r.First < offset && offset <= r.Last).Select(r => r.First).DefaultIfEmpty(offset).Min();

    /// <summary>The end (exclusive) of the latest range that holds <paramref name="offset"/> past its own start, or the offset.</summary>
    private static long End(IEnumerable<RangeRef> ranges, long offset) =>
        ranges.Where(r => r.First < offset && offset <= r.Last).Select(r => r.Last + 1).DefaultIfEmpty(offset).Max();

    /// <summary>Committed offset ranges known from the warehouse's <c>_source</c> values (append datasets, and the dead
    /// letters of records of this topic the warehouse refused) and the lake's manifests (all datasets).</summary>
    private async Task<List<RangeRef>> CommittedRangesAsync(DatasetSchema schema, CancellationToken ct)
    {
        var ranges = new List<RangeRef>();
        if (schema.Mode == WriteMode.Append)
        {
            await AddSourcesAsync(ranges, schema.Name, schema.Name, Rows.Dataset, ct).ConfigureAwait(false);
        }
        if (schema.Name != DatasetCatalog.DeadLetters.Name
            && await WarehouseRelations.ExistsAsync(warehouse, DatasetCatalog.DeadLetters.Name, ct).ConfigureAwait(false))
        {
            // A refused record is read again by the replay and refused again: its old dead letter goes, as an append
            // dataset's rows do, or every replay would keep one more copy of it.
            await AddSourcesAsync(ranges, DatasetCatalog.DeadLetters.Name, schema.Name, Rows.DeadLetters, ct).ConfigureAwait(false);
        }
        await foreach (var manifest in _manifests.ListPublishedAsync(schema.Name, ct).ConfigureAwait(false))
        {
            if (LakeLayout.TryParseOffsetRange(manifest.Id, out var p, out var first, out var last))
            {
                ranges.Add(new RangeRef(new TopicPartition(schema.Name, p), first, last, Rows.Lake));
            }
        }
        return ranges;
    }

    private async Task AddSourcesAsync(List<RangeRef> ranges, string table, string topic, Rows rows, CancellationToken ct)
    {
        var result = await warehouse.QueryAsync(
            $"SELECT DISTINCT _source FROM \"{table}\" WHERE _source LIKE '{LogSource.Prefix}{topic}/%'", ct).ConfigureAwait(false);
        foreach (var row in result.Rows)
        {
            if (LogSource.TryParse(row[0] as string, out var source) && source.Partition.Topic == topic)
            {
                ranges.Add(new RangeRef(source.Partition, source.First, source.Last, rows));
            }
        }
    }

    /// <summary>Where a committed range's rows are: the dataset's table, <c>dead_letters</c>, or only the lake.</summary>
    private enum Rows
    {
        Dataset,
        DeadLetters,
        Lake,
    }

    private sealed record RangeRef(TopicPartition Partition, long First, long Last, Rows Table)
    {
        public override string ToString() => new LogSource(Partition, First, Last).ToString();
    }
}

/// <summary>Outcome of a replay for one partition.</summary>
/// <param name="Partition">Topic partition.</param>
/// <param name="RequestedOffset">The offset asked for.</param>
/// <param name="EffectiveOffset">Where the group now stands (the start of the batch containing the requested
/// offset), or the unchanged position when there was nothing to replay.</param>
/// <param name="PreviousOffset">The committed position before the replay.</param>
/// <param name="DeletedSources">Offset ranges whose rows were deleted for re-reading: an append dataset's, and the dead
/// letters of records the warehouse refused.</param>
/// <param name="LogStartOffset">The oldest offset the log still holds in the partition; a replay never starts before
/// it (retention deleted what lies before, so those rows stay as they are).</param>
public sealed record ReplayResult(TopicPartition Partition, long RequestedOffset, long EffectiveOffset, long PreviousOffset, int DeletedSources, long LogStartOffset = 0)
{
    public bool Rewound => EffectiveOffset < PreviousOffset;
}
