using Emporium.Configuration;

namespace Emporium.Warehouse.DuckDb;

/// <summary>Serves <c>duckdb:</c> warehouse addresses (the default: <c>&lt;data&gt;/warehouse.duckdb</c>).</summary>
public sealed class DuckDbWarehouseBackendFactory : IBackendFactory<IWarehouse>
{
    public IReadOnlyCollection<string> Schemes { get; } = ["duckdb"];

    public ValueTask<IWarehouse> CreateAsync(BackendAddress address, EmporiumOptions options, CancellationToken ct) =>
        ValueTask.FromResult<IWarehouse>(new DuckDbWarehouse(new DuckDbWarehouseOptions
        {
            Path = address.Path ?? throw new ArgumentException($"warehouse address '{address.Value}' needs a file path"),
        }));
}
