namespace Emporium.Diagnostics;

/// <summary>Contributes lines to <c>GET /metrics</c>. Register implementations as singletons (e.g. the processor's
/// batch latency, the log's segment sizes); the host collects every registered source.</summary>
public interface IMetricsSource
{
    void Write(PrometheusWriter writer);
}
