using Emporium.Diagnostics;

namespace Emporium.Log.Embedded;

/// <summary>The embedded log's counters for <c>GET /metrics</c>.</summary>
public sealed class EmbeddedLogMetrics(EmbeddedEventLog log) : IMetricsSource
{
    public void Write(PrometheusWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        var stats = log.Stats;
        writer.Counter("emporium_log_appends_total", "AppendAsync calls acknowledged (durable).", stats.AppendCalls);
        writer.Counter("emporium_log_records_appended_total", "Records appended durably.", stats.AppendedRecords);
        writer.Counter("emporium_log_bytes_appended_total", "Framed bytes appended durably.", stats.AppendedBytes);
        writer.Counter("emporium_log_commits_total", "Group commits (one write + fsync per partition batch).", stats.Commits);
        writer.Counter("emporium_log_fsyncs_total", "fsync calls on segment files.", stats.Fsyncs);
        writer.Counter("emporium_log_segments_rolled_total", "Segments sealed because they were full.", stats.SegmentsRolled);
        writer.Counter("emporium_log_segments_deleted_total", "Segments deleted by retention.", stats.SegmentsDeleted);
        writer.Counter("emporium_log_truncated_bytes_total", "Bytes of torn or corrupt tail cut off when the log was opened.", stats.TruncatedBytes);
        writer.Gauge("emporium_log_stored_bytes", "Bytes of durable data in segment files.", stats.LogBytes);
    }
}
