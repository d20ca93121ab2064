using Emporium.Diagnostics;

namespace Emporium.Processing;

/// <summary>The processor's lines in <c>GET /metrics</c>.</summary>
public sealed class ProcessorMetrics(StreamProcessor processor) : IMetricsSource
{
    public void Write(PrometheusWriter writer)
    {
        var s = processor.Stats;
        writer.Counter("emporium_processor_batches_total", "Micro-batches committed", s.Batches);
        writer.Counter("emporium_processor_records_total", "Log entries committed", s.Records);
        writer.Counter("emporium_processor_rows_total", "Warehouse rows written after hooks and dedupe", s.Rows);
        writer.Counter("emporium_processor_failures_total", "Batches that failed and were retried", s.Failures);
        writer.Counter("emporium_processor_poison_records_total", "Entries that were not canonical JSON", s.PoisonRecords);
        writer.Counter("emporium_processor_refused_records_total", "Records the warehouse refused, kept as dead letters", s.RefusedRecords);
        writer.Counter("emporium_processor_retried_records_total", "Entries dropped as a second copy of a record sent with an Idempotency-Key", s.RetriedRecords);
        writer.Gauge("emporium_processor_batch_latency_seconds", "Fetch-to-commit time of the last batch", s.LastBatchLatency.TotalSeconds);
        writer.Gauge("emporium_processor_freshness_seconds", "Append-to-commit time of recent records", s.FreshnessP50.TotalSeconds, ("quantile", "0.5"));
        writer.Gauge("emporium_processor_freshness_seconds", "Append-to-commit time of recent records", s.FreshnessP99.TotalSeconds, ("quantile", "0.99"));
        foreach (var (tp, next) in s.Positions.OrderBy(kv => kv.Key.Topic, StringComparer.Ordinal).ThenBy(kv => kv.Key.Partition))
        {
            writer.Gauge("emporium_processor_committed_offset", "Next offset the processor will read", next,
                ("topic", tp.Topic), ("partition", tp.Partition.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        }
        writer.Counter("emporium_processor_lake_flushes_total", "Lake flushes committed (raw and clean files of what the warehouse committed meanwhile)", s.LakeFlushes);
        writer.Counter("emporium_processor_lake_records_total", "Log entries written to the lake", s.LakeRecords);
        writer.Counter("emporium_processor_lake_compactions_total", "Merged lake manifests published by compaction", s.LakeCompactions);
        writer.Counter("emporium_processor_lake_files_compacted_total", "Small lake files replaced by compaction's merges", s.LakeFilesCompacted);
        writer.Gauge("emporium_processor_lake_pending_records", "Entries committed to the warehouse that wait for the next lake flush", s.LakePending);
        foreach (var (tp, next) in s.LakePositions.OrderBy(kv => kv.Key.Topic, StringComparer.Ordinal).ThenBy(kv => kv.Key.Partition))
        {
            writer.Gauge("emporium_processor_lake_offset", "Next offset the lake has not got yet", next,
                ("topic", tp.Topic), ("partition", tp.Partition.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        }
        foreach (var tp in processor.Assignment.OrderBy(tp => tp.Topic, StringComparer.Ordinal).ThenBy(tp => tp.Partition))
        {
            writer.Gauge("emporium_processor_assigned_partition", "1 for each log partition this processor owns now (moves between processors on rebalance)", 1,
                ("topic", tp.Topic), ("partition", tp.Partition.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        }
    }
}
