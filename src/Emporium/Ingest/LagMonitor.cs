using Emporium.Datasets;
using Emporium.Log;
using Emporium.Warehouse;

namespace Emporium.Ingest;

/// <summary>Log end offsets against the processor's committed offsets (read from the warehouse, where the processor
/// stores them with the rows). Cached briefly: ingest asks on every request and the answer only needs to be
/// roughly current to apply back-pressure.</summary>
public sealed class LagMonitor(IEventLog log, IWarehouse? warehouse, IngestOptions options, TimeProvider time)
{
    /// <summary>How long a reading is served to every caller before the next one is taken.</summary>
    public static readonly TimeSpan CacheFor = TimeSpan.FromMilliseconds(200);
    private readonly SemaphoreSlim _gate = new(1, 1);
    private LagSnapshot? _last;

    /// <summary>The latest reading, taken within the last <see cref="CacheFor"/> (by this or another caller).</summary>
    public ValueTask<LagSnapshot> GetAsync(CancellationToken ct) => GetAsync(DateTimeOffset.MinValue, ct);

    /// <summary>A reading taken at or after <paramref name="notBefore"/>, never an older cached one: for a caller that
    /// appended records itself and waits for the processor to land them. A reading cached just before its last append
    /// (another request's, within <see cref="CacheFor"/>) could say "no lag" while those records were still waiting.</summary>
    public async ValueTask<LagSnapshot> GetAsync(DateTimeOffset notBefore, CancellationToken ct)
    {
        if (Usable(_last, notBefore) is { } cached)
        {
            return cached;
        }
        await _gate.WaitAsync(ct);
        try
        {
            if (Usable(_last, notBefore) is { } again)
            {
                return again;
            }
            // Stamped with when the reading began: an append made while it reads may be missing from it.
            var takenAt = time.GetUtcNow();
            IReadOnlyDictionary<TopicPartition, long> processed = new Dictionary<TopicPartition, long>();
            var processedKnown = false;
            if (warehouse is not null)
            {
                try
                {
                    processed = await warehouse.GetOffsetsAsync(options.ProcessorGroup, ct);
                    processedKnown = true;
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    // No offsets table yet (processor not started): lag is unknown, not infinite.
                }
            }
            var partitions = new List<PartitionLag>();
            // The dead letters too: the processor lands them like the datasets, so they are part of how far behind it is.
            foreach (var dataset in DatasetCatalog.Streamed)
            {
                var ends = await log.GetEndOffsetsAsync(dataset.Name, ct);
                var fromLog = processedKnown ? null : await GroupOffsetsAsync(dataset.Name, ct);
                foreach (var (tp, end) in ends.OrderBy(e => e.Key.Partition))
                {
                    long? done = processedKnown ? processed.GetValueOrDefault(tp) : fromLog?.GetValueOrDefault(tp);
                    partitions.Add(new PartitionLag(tp, end, done));
                }
            }
            _last = new LagSnapshot(takenAt, partitions);
            return _last;
        }
        finally
        {
            _gate.Release();
        }
    }

    private LagSnapshot? Usable(LagSnapshot? cached, DateTimeOffset notBefore) =>
        cached is not null && cached.TakenAt >= notBefore && time.GetUtcNow() - cached.TakenAt < CacheFor ? cached : null;

    /// <summary>What the processor reported to the log, when the warehouse has no offsets to offer.</summary>
    private async ValueTask<IReadOnlyDictionary<TopicPartition, long>?> GroupOffsetsAsync(string topic, CancellationToken ct)
    {
        try
        {
            return await log.GetGroupOffsetsAsync(options.ProcessorGroup, topic, ct);
        }
        catch (Exception e) when (e is NotSupportedException or KeyNotFoundException)
        {
            return null; // the backend does not track groups, or the processor never registered: lag unknown
        }
    }
}

/// <summary>End and processed offsets of one partition; <see cref="Processed"/> is null when unknown.</summary>
public sealed record PartitionLag(TopicPartition Partition, long End, long? Processed)
{
    public long? Lag => Processed is { } p ? Math.Max(0, End - p) : null;
}

/// <summary>Offsets of every dataset partition at one moment.</summary>
public sealed record LagSnapshot(DateTimeOffset TakenAt, IReadOnlyList<PartitionLag> Partitions)
{
    /// <summary>Total unprocessed records, or null when the processor's offsets are unknown.</summary>
    public long? TotalLag => Partitions.Count == 0 || Partitions.Any(p => p.Lag is null) ? null : Partitions.Sum(p => p.Lag!.Value);

    public long TotalEnd => Partitions.Sum(p => p.End);
}
