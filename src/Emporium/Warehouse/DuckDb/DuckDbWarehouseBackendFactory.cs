using Emporium.Configuration;

namespace Emporium.Warehouse.DuckDb;

/// <summary>Serves <c>duckdb:</c> warehouse addresses (the default: <c>&lt;data&gt;/warehouse.duckdb</c>), with one
/// optional parameter, <c>duckdb:PATH?memory_limit=2GB</c> (<see cref="DuckDbWarehouseOptions.MemoryLimit"/>;
/// <c>memory_limit=default</c> leaves DuckDB's own 80 % of RAM).</summary>
public sealed class DuckDbWarehouseBackendFactory : IBackendFactory<IWarehouse>
{
    private const string MemoryLimitParameter = "memory_limit";

    public IReadOnlyCollection<string> Schemes { get; } = ["duckdb"];

    public ValueTask<IWarehouse> CreateAsync(BackendAddress address, EmporiumOptions options, CancellationToken ct)
    {
        var target = address.Path ?? throw new ArgumentException($"warehouse address '{address.Value}' needs a file path");
        var settings = new DuckDbWarehouseOptions { Path = target };
        var query = target.IndexOf('?', StringComparison.Ordinal);
        if (query >= 0)
        {
            settings = settings with { Path = target[..query] };
            foreach (var pair in target[(query + 1)..].Split('&', StringSplitOptions.RemoveEmptyEntries))
            {
                var (name, value) = pair.IndexOf('=', StringComparison.Ordinal) is var eq and >= 0
                    ? (Uri.UnescapeDataString(pair[..eq]), Uri.UnescapeDataString(pair[(eq + 1)..]))
                    : (Uri.UnescapeDataString(pair), "");
                if (!string.Equals(name, MemoryLimitParameter, StringComparison.OrdinalIgnoreCase) || value.Length == 0)
                {
                    throw new BackendConfigurationException(BackendKind.Warehouse,
                        $"'{address.Value}': unknown or empty parameter '{name}' (DuckDB takes {MemoryLimitParameter}=SIZE, e.g. 2GB, or 'default')");
                }
                settings = settings with { MemoryLimit = string.Equals(value, "default", StringComparison.OrdinalIgnoreCase) ? null : value };
            }
        }
        try
        {
            return ValueTask.FromResult<IWarehouse>(new DuckDbWarehouse(settings));
        }
        catch (DuckDB.NET.Data.DuckDBException e) when (query >= 0)
        {
            // A size DuckDB cannot parse fails at the SET; name the setting rather than surface DuckDB's parser.
            throw new BackendConfigurationException(BackendKind.Warehouse, $"'{address.Value}': {e.Message}", e);
        }
    }
}
