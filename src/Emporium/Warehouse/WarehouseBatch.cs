using Emporium.Datasets;
using Emporium.Log;

namespace Emporium.Warehouse;

/// <summary>Everything one transaction writes: rows of one or more datasets plus the consumer positions they came
/// from, so rows and offsets commit or roll back together (exactly once).</summary>
/// <param name="Rows">Rows per dataset. Upsert datasets: latest record per key wins (later in the list wins within
/// a batch). Append datasets: every record is inserted.</param>
/// <param name="Group">Consumer group whose positions are stored; "batch" for file loads.</param>
/// <param name="NextOffsets">Next offset to read per partition after this batch. File loads use the topic
/// "file:&lt;dataset&gt;:&lt;sha256&gt;" so a file is never loaded twice into a dataset.</param>
/// <param name="ReplaceSource">When set, rows whose <c>_source</c> equals it are deleted first (a forced reload).</param>
/// <param name="ExpectedOffsets">When set, the commit only proceeds if the stored positions of these partitions
/// still equal the given values (a partition never committed counts as 0); otherwise it throws
/// <see cref="OffsetConflictException"/> and writes nothing. This fences a stale processor (after a Kafka
/// rebalance, or a replay issued while it was running) so two writers can never both commit one range.</param>
/// <param name="DeleteSources">Rows (of any dataset in the batch's tables) whose <c>_source</c> is in this list are
/// deleted first, in the same transaction. A replay of an append-only dataset uses it to remove the rows of the
/// offset ranges it is about to re-read, so they are not counted twice.</param>
/// <param name="DeleteFrom">Datasets whose rows <see cref="DeleteSources"/> applies to.</param>
public sealed record WarehouseBatch(
    IReadOnlyList<DatasetRows> Rows,
    string Group,
    IReadOnlyDictionary<TopicPartition, long> NextOffsets,
    string? ReplaceSource = null,
    IReadOnlyDictionary<TopicPartition, long>? ExpectedOffsets = null,
    IReadOnlyList<string>? DeleteSources = null,
    IReadOnlyList<DatasetSchema>? DeleteFrom = null);

/// <summary>Records of one dataset, all tagged with the same lineage <paramref name="Source"/> (stored in the
/// <c>_source</c> system column, e.g. "log:orders/0:100-199" or "file:&lt;sha256&gt;").</summary>
public sealed record DatasetRows(DatasetSchema Schema, IReadOnlyList<CanonicalRecord> Records, string Source);
