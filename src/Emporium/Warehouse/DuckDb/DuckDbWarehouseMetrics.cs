using Emporium.Diagnostics;

namespace Emporium.Warehouse.DuckDb;

/// <summary>The DuckDB warehouse's lines in <c>GET /metrics</c>: how much a crash would replay, and how often the log
/// was folded while the writer was idle (a log that keeps growing means the load never pauses, and DuckDB's own
/// threshold checkpoint will stall a commit).</summary>
public sealed class DuckDbWarehouseMetrics(DuckDbWarehouse warehouse) : IMetricsSource
{
    public void Write(PrometheusWriter writer)
    {
        writer.Gauge("emporium_warehouse_wal_bytes", "DuckDB write-ahead log not yet folded into the database file", warehouse.WriteAheadLogBytes);
        writer.Counter("emporium_warehouse_idle_checkpoints_total", "Checkpoints run while the writer was idle", warehouse.IdleCheckpoints);
    }
}
