using Emporium.Configuration;

namespace Emporium.Warehouse.DuckDb;

/// <summary>Serves <c>duckdb:</c> warehouse addresses (the default: <c>&lt;data&gt;/warehouse.duckdb</c>), with optional
/// parameters, <c>duckdb:PATH?memory_limit=2GB&amp;checkpoint_threshold=1GB&amp;threads=8&amp;commit_threads=1&amp;idle_checkpoint_ms=500</c>
/// (<see cref="DuckDbWarehouseOptions.MemoryLimit"/>, <see cref="DuckDbWarehouseOptions.CheckpointThreshold"/>,
/// <see cref="DuckDbWarehouseOptions.Threads"/>, <see cref="DuckDbWarehouseOptions.CommitThreads"/>,
/// <see cref="DuckDbWarehouseOptions.IdleCheckpointAfter"/> in milliseconds, 0 = off; the value <c>default</c> leaves
/// DuckDB's own: 80 % of RAM, 16 MB, every core, every core; and Emporium's 500 ms for the idle checkpoint).</summary>
public sealed class DuckDbWarehouseBackendFactory : IBackendFactory<IWarehouse>
{
    private const string MemoryLimitParameter = "memory_limit";
    private const string CheckpointThresholdParameter = "checkpoint_threshold";
    private const string ThreadsParameter = "threads";
    private const string CommitThreadsParameter = "commit_threads";
    private const string IdleCheckpointParameter = "idle_checkpoint_ms";

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
                settings = With(settings, address.Value, name, value) ?? throw new BackendConfigurationException(BackendKind.Warehouse,
                    $"'{address.Value}': unknown or empty parameter '{name}' (DuckDB takes {MemoryLimitParameter}=SIZE and {CheckpointThresholdParameter}=SIZE, e.g. 2GB, {ThreadsParameter}=N and {CommitThreadsParameter}=N, N ≥ 1, {IdleCheckpointParameter}=MS, 0 = off, or 'default')");
            }
        }
        try
        {
            return ValueTask.FromResult<IWarehouse>(new DuckDbWarehouse(settings));
        }
        catch (DuckDB.NET.Data.DuckDBException e) when (e.Message.Contains("Could not set lock", StringComparison.Ordinal))
        {
            // DuckDB allows one writing process per file; another (a second server, a DuckDB shell) holds it.
            var holder = e.Message.IndexOf("Conflicting lock is held in ", StringComparison.Ordinal) is var at and >= 0
                ? $" ({e.Message[(at + 28)..].Split(". See", 2)[0].Trim().TrimEnd('.')})" : "";
            throw new BackendConfigurationException(BackendKind.Warehouse,
                $"'{settings.Path}' is open in another process{holder}: DuckDB lets one process write a warehouse file; stop that process, or go through the server that owns the data dir (--url)", e);
        }
        catch (DuckDB.NET.Data.DuckDBException e) when (query >= 0)
        {
            // A size DuckDB cannot parse fails at the SET; name the setting rather than surface DuckDB's parser.
            throw new BackendConfigurationException(BackendKind.Warehouse, $"'{address.Value}': {e.Message}", e);
        }
    }

    private static DuckDbWarehouseOptions? With(DuckDbWarehouseOptions settings, string address, string name, string value)
    {
        if (value.Length == 0)
        {
            return null;
        }
        var size = string.Equals(value, "default", StringComparison.OrdinalIgnoreCase) ? null : value;
        return name.ToLowerInvariant() switch
        {
            MemoryLimitParameter => settings with { MemoryLimit = size },
            CheckpointThresholdParameter => settings with { CheckpointThreshold = size },
            ThreadsParameter => settings with { Threads = Count(address, name, size) },
            CommitThreadsParameter => settings with { CommitThreads = Count(address, name, size) },
            IdleCheckpointParameter => settings with
            {
                IdleCheckpointAfter = size is null ? new DuckDbWarehouseOptions { Path = settings.Path }.IdleCheckpointAfter : Milliseconds(address, name, size),
            },
            _ => null,
        };
    }

    private static TimeSpan Milliseconds(string address, string name, string value) =>
        int.TryParse(value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var ms)
            ? TimeSpan.FromMilliseconds(ms)
            : throw new BackendConfigurationException(BackendKind.Warehouse, $"'{address}': {name} must be a whole number of milliseconds (0 turns it off), or 'default', not '{value}'");

    /// <summary>A thread count: a positive integer, or null for "default".</summary>
    private static int? Count(string address, string name, string? value)
    {
        if (value is null)
        {
            return null;
        }
        if (int.TryParse(value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n) && n >= 1)
        {
            return n;
        }
        throw new BackendConfigurationException(BackendKind.Warehouse, $"'{address}': {name} must be a whole number of at least 1, or 'default', not '{value}'");
    }
}
