namespace Emporium.Processing;

/// <summary>A snapshot of the processor for /metrics, /api/v1/datasets and the dashboard.</summary>
/// <param name="Batches">Committed micro-batches since start.</param>
/// <param name="Records">Log entries committed since start (including ones a hook dropped).</param>
/// <param name="Rows">Rows written to the warehouse since start (after hooks and in-batch dedupe).</param>
/// <param name="Failures">Batches that failed and were retried.</param>
/// <param name="PoisonRecords">Entries that could not be decoded as canonical JSON (kept in the raw zone only).</param>
/// <param name="RefusedRecords">Records the warehouse refused (kept as dead letters, and in the lake).</param>
/// <param name="RetriedRecords">Entries dropped because an earlier entry carried the same ingest tag (a request sent
/// again under its Idempotency-Key that reached another ingest process, or a Kafka message appended twice).</param>
/// <param name="LastBatchLatency">Fetch-to-commit time of the last batch.</param>
/// <param name="LastFreshness">Append-to-commit time of the oldest entry of the last batch.</param>
/// <param name="FreshnessP50">Median append-to-commit time over the recent batches.</param>
/// <param name="FreshnessP99">99th percentile append-to-commit time over the recent batches.</param>
/// <param name="LastCommitAt">When the last batch committed.</param>
/// <param name="Positions">Committed next offset per partition.</param>
/// <param name="LastError">Message of the last failure, if any.</param>
/// <param name="LakeFlushes">Lake flushes committed since start.</param>
/// <param name="LakeRecords">Log entries written to the lake since start.</param>
/// <param name="LakePending">Entries committed to the warehouse that wait for the next lake flush.</param>
/// <param name="LakePositions">The lake's committed next offset per partition.</param>
/// <param name="LakeCompactions">Merged manifests published by lake compaction since start.</param>
/// <param name="LakeFilesCompacted">Lake files those merges replaced.</param>
public sealed record ProcessorStats(
    long Batches,
    long Records,
    long Rows,
    long Failures,
    long PoisonRecords,
    long RefusedRecords,
    long RetriedRecords,
    TimeSpan LastBatchLatency,
    TimeSpan LastFreshness,
    TimeSpan FreshnessP50,
    TimeSpan FreshnessP99,
    DateTimeOffset? LastCommitAt,
    IReadOnlyDictionary<Log.TopicPartition, long> Positions,
    string? LastError,
    long LakeFlushes,
    long LakeRecords,
    int LakePending,
    IReadOnlyDictionary<Log.TopicPartition, long> LakePositions,
    long LakeCompactions,
    long LakeFilesCompacted);
