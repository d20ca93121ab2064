using Emporium.Log;

namespace Emporium.Processing;

/// <summary>What the warehouse has committed and the lake has not yet got, per partition, and where the lake stands
/// (its committed next offset per partition, stored in the warehouse under the lake's own group). The processor writes
/// the lake from here every <c>flushInterval</c> or <c>maxRecords</c> entries instead of once per micro-batch: a lake
/// file set per micro-batch (a raw and a Parquet file per partition, manifests, their fsyncs) cost as much CPU as the
/// warehouse commit, and left the lake with many small files.</summary>
internal sealed class LakeBuffer(TimeSpan flushInterval, int maxRecords, TimeProvider time)
{
    private readonly Dictionary<TopicPartition, long> _committed = [];
    private readonly Dictionary<TopicPartition, List<PartitionBatch>> _pending = [];
    private long _oldest;

    /// <summary>Log entries waiting for the lake.</summary>
    public int Count { get; private set; }

    /// <summary>The lake's committed next offset per partition.</summary>
    public IReadOnlyDictionary<TopicPartition, long> Committed => _committed;

    /// <summary>Forgets what waits for the given partitions and sets where the lake stands for them.</summary>
    public void Reset(IReadOnlyDictionary<TopicPartition, long> committed)
    {
        foreach (var (tp, offset) in committed)
        {
            Drop(tp);
            _committed[tp] = offset;
        }
    }

    /// <summary>Forgets everything about partitions this member no longer owns (their new owner rewrites the lake
    /// from the committed positions).</summary>
    public void Retain(IReadOnlySet<TopicPartition> owned)
    {
        foreach (var tp in _committed.Keys.Concat(_pending.Keys).Where(tp => !owned.Contains(tp)).ToList())
        {
            Drop(tp);
            _committed.Remove(tp);
        }
    }

    /// <summary>Next offset the lake needs for a partition: after what waits, or after what it committed.</summary>
    public long End(TopicPartition tp) =>
        _pending.TryGetValue(tp, out var batches) && batches.Count > 0 ? batches[^1].Last + 1 : _committed.GetValueOrDefault(tp, 0);

    /// <summary>Where one read serves both sinks: each partition from the earlier of the warehouse's and the lake's
    /// next offset.</summary>
    public IReadOnlyDictionary<TopicPartition, long> ReadPositions(IReadOnlyDictionary<TopicPartition, long> warehouse)
    {
        var from = new Dictionary<TopicPartition, long>(warehouse);
        foreach (var tp in _committed.Keys.Concat(_pending.Keys))
        {
            from[tp] = Math.Min(End(tp), warehouse.GetValueOrDefault(tp, 0));
        }
        return from;
    }

    /// <summary>Takes the part of each batch the lake does not have yet.</summary>
    public void Add(IEnumerable<PartitionBatch> batches)
    {
        foreach (var batch in batches)
        {
            if (batch.From(End(batch.Partition)) is not { } part)
            {
                continue;
            }
            if (!_pending.TryGetValue(part.Partition, out var list))
            {
                _pending[part.Partition] = list = [];
            }
            if (Count == 0)
            {
                _oldest = time.GetTimestamp();
            }
            list.Add(part);
            Count += part.Entries.Count;
        }
    }

    /// <summary>True when something waits and it is time to write it.</summary>
    public bool IsDue() => Count > 0 && (Count >= maxRecords || time.GetElapsedTime(_oldest) >= flushInterval);

    /// <summary>What waits, one batch per partition (latest record per key for upsert datasets, like one warehouse
    /// batch).</summary>
    public IReadOnlyList<PartitionBatch> Pending() =>
        _pending.Where(kv => kv.Value.Count > 0).Select(kv => PartitionBatch.Concat(kv.Value).LatestPerKey()).ToList();

    /// <summary>Records that the lake committed up to <paramref name="next"/>.</summary>
    public void Flushed(IReadOnlyDictionary<TopicPartition, long> next)
    {
        foreach (var (tp, offset) in next)
        {
            Drop(tp);
            _committed[tp] = offset;
        }
    }

    private void Drop(TopicPartition tp)
    {
        if (_pending.Remove(tp, out var batches))
        {
            Count -= batches.Sum(b => b.Entries.Count);
        }
    }
}
