using Emporium.Configuration;
using Emporium.Diagnostics;
using Emporium.Warehouse.DuckDb;

namespace Emporium.Cli.Hosting;

/// <summary>Adds the DuckDB warehouse's write-ahead log size and idle checkpoints to <c>/metrics</c> when the
/// warehouse is DuckDB.</summary>
public sealed class WarehouseServiceModule : IServiceModule
{
    public void Configure(IServiceCollection services, EmporiumOptions options) =>
        services.AddSingleton<IMetricsSource>(sp => sp.GetRequiredService<Backends>().Warehouse is DuckDbWarehouse warehouse
            ? new DuckDbWarehouseMetrics(warehouse)
            : NoMetrics.Instance);
}
