using Emporium.Diagnostics;

namespace Emporium.Log.Embedded;

/// <summary>Exposes <see cref="EmbeddedLogStats"/> on /metrics.</summary>
public sealed class EmbeddedLogMetrics(EmbeddedEventLog log) : IMetricsSource
{
    public void Write(PrometheusWriter writer)
    {
        var s = log.Stats;
        writer.Gauge("emporium_log_size_bytes", "Bytes of log segment files on disk.", s.LogBytes);
        writer.Counter("emporium_log_appended_records_total", "Records made durable in the log since start.", s.AppendedRecords);
        writer.Counter("emporium_log_appended_bytes_total", "Framed bytes made durable in the log since start.", s.AppendedBytes);
        writer.Counter("emporium_log_append_calls_total", "Append calls acknowledged since start.", s.AppendCalls);
        writer.Counter("emporium_log_commits_total", "Group commits since start.", s.Commits);
        writer.Counter("emporium_log_fsyncs_total", "fsync calls on segment data since start.", s.Fsyncs);
        writer.Counter("emporium_log_truncated_bytes_total", "Bytes of torn tail cut off when the log was opened.", s.TruncatedBytes);
    }
}
