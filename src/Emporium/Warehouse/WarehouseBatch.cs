using Emporium.Datasets;
using Emporium.Log;

namespace Emporium.Warehouse;

/// <summary>Everything one transaction writes: rows of one or more datasets plus the consumer positions they came
/// from, so rows and offsets commit or roll back together (exactly once).</summary>
/// <param name="Rows">Rows per dataset. Upsert datasets: latest record per key wins (later in the list wins within
/// a batch). Append datasets: every record is inserted.</param>
/// <param name="Group">Consumer group whose positions are stored; "batch" for file loads.</param>
/// <param name="NextOffsets">Next offset to read per partition after this batch. File loads use the topic
/// "file:&lt;sha256&gt;" so a file is never loaded twice.</param>
/// <param name="ReplaceSource">When set, rows whose <c>_source</c> equals it are deleted first (a forced reload).</param>
public sealed record WarehouseBatch(
    IReadOnlyList<DatasetRows> Rows,
    string Group,
    IReadOnlyDictionary<TopicPartition, long> NextOffsets,
    string? ReplaceSource = null);

/// <summary>Records of one dataset, all tagged with the same lineage <paramref name="Source"/> (stored in the
/// <c>_source</c> system column, e.g. "log:orders/0:100-199" or "file:&lt;sha256&gt;").</summary>
public sealed record DatasetRows(DatasetSchema Schema, IReadOnlyList<CanonicalRecord> Records, string Source);
