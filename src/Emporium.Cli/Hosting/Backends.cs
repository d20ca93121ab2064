using Emporium.Configuration;
using Emporium.Datasets;
using Emporium.Lake;
using Emporium.Log;
using Emporium.Warehouse;

namespace Emporium.Cli.Hosting;

/// <summary>The backends of this process, created from the configured addresses. A backend that was asked for
/// explicitly must be available (else start-up fails); a default one that is not built yet leaves that piece off,
/// and the endpoints that need it answer 503 saying why.</summary>
public sealed class Backends : IAsyncDisposable
{
    private Backends(EmporiumOptions options)
    {
        LogAddress = BackendAddresses.ForLog(options);
        LakeAddress = BackendAddresses.ForLake(options);
        WarehouseAddress = BackendAddresses.ForWarehouse(options);
    }

    public BackendAddress LogAddress { get; }

    public BackendAddress LakeAddress { get; }

    public BackendAddress WarehouseAddress { get; }

    public IEventLog? Log { get; private set; }

    public ILakeStore? Lake { get; private set; }

    public IWarehouse? Warehouse { get; private set; }

    public IRecordNormalizer? Normalizer { get; private set; }

    /// <summary>Why a piece is off, by name ("log", "lake", "warehouse", "normalizer").</summary>
    public IReadOnlyDictionary<string, string> Unavailable => _unavailable;

    private readonly Dictionary<string, string> _unavailable = new(StringComparer.Ordinal);

    /// <summary>Refuses a configured address no backend serves before anything is created (see
    /// <see cref="BackendRegistry.EnsureServed"/>), with the message creating it would give.</summary>
    public static void EnsureServed(EmporiumOptions options)
    {
        try
        {
            BackendRegistry.EnsureServed(options, BackendKind.Log, BackendKind.Lake, BackendKind.Warehouse);
        }
        catch (BackendUnavailableException e)
        {
            throw new StartupException(e.Message);
        }
    }

    public static async Task<Backends> CreateAsync(EmporiumOptions options, CancellationToken ct)
    {
        var backends = new Backends(options);
        try
        {
            backends.Log = await backends.MakeAsync<IEventLog>(backends.LogAddress, options.Log, options, ct);
            backends.Lake = await backends.MakeAsync<ILakeStore>(backends.LakeAddress, options.Lake, options, ct);
            backends.Warehouse = await backends.MakeAsync<IWarehouse>(backends.WarehouseAddress, options.Warehouse, options, ct);
        }
        catch
        {
            await backends.DisposeAsync();
            throw;
        }
        backends.Normalizer = NormalizerDiscovery.Create();
        if (backends.Normalizer is null)
        {
            backends._unavailable["normalizer"] = "no IRecordNormalizer implementation is built in yet";
        }
        return backends;
    }

    /// <summary>Backends given by the caller (tests, benchmarks); null pieces are reported unavailable.</summary>
    public static Backends FromInstances(EmporiumOptions options, IEventLog? log, ILakeStore? lake, IWarehouse? warehouse, IRecordNormalizer? normalizer)
    {
        var backends = new Backends(options) { Log = log, Lake = lake, Warehouse = warehouse, Normalizer = normalizer };
        foreach (var (name, present) in new[] { ("log", log is not null), ("lake", lake is not null), ("warehouse", warehouse is not null), ("normalizer", normalizer is not null) })
        {
            if (!present)
            {
                backends._unavailable[name] = "not provided";
            }
        }
        return backends;
    }

    public IEventLog RequireLog() => Log ?? throw new PieceUnavailableException("log", _unavailable.GetValueOrDefault("log"));

    public ILakeStore RequireLake() => Lake ?? throw new PieceUnavailableException("lake", _unavailable.GetValueOrDefault("lake"));

    public IWarehouse RequireWarehouse() => Warehouse ?? throw new PieceUnavailableException("warehouse", _unavailable.GetValueOrDefault("warehouse"));

    public IRecordNormalizer RequireNormalizer() => Normalizer ?? throw new PieceUnavailableException("normalizer", _unavailable.GetValueOrDefault("normalizer"));

    public string Describe(string piece) => piece switch
    {
        "log" => Log?.Describe ?? $"unavailable ({_unavailable.GetValueOrDefault("log")})",
        "lake" => Lake?.Describe ?? $"unavailable ({_unavailable.GetValueOrDefault("lake")})",
        "warehouse" => Warehouse?.Describe ?? $"unavailable ({_unavailable.GetValueOrDefault("warehouse")})",
        _ => piece,
    };

    public async ValueTask DisposeAsync()
    {
        if (Warehouse is not null)
        {
            await Warehouse.DisposeAsync();
        }
        if (Lake is IAsyncDisposable lake)
        {
            await lake.DisposeAsync();
        }
        if (Log is not null)
        {
            await Log.DisposeAsync();
        }
    }

    private async Task<TBackend?> MakeAsync<TBackend>(BackendAddress address, string? configured, EmporiumOptions options, CancellationToken ct) where TBackend : class
    {
        try
        {
            return await BackendRegistry.CreateAsync<TBackend>(address, options, ct);
        }
        catch (BackendUnavailableException e) when (string.IsNullOrWhiteSpace(configured))
        {
            _unavailable[address.Kind.ToString().ToLowerInvariant()] = e.Message;
            return null;
        }
        catch (BackendUnavailableException e)
        {
            throw new StartupException(e.Message);
        }
        catch (BackendConfigurationException e)
        {
            // A configured backend that cannot be reached or used: one line naming the setting, no client stack.
            throw new StartupException(e.Message);
        }
    }
}

/// <summary>A request needs a piece this process does not have (answered with 503).</summary>
public sealed class PieceUnavailableException(string piece, string? reason)
    : Exception($"{piece} is not available in this server{(reason is null ? "" : ": " + reason)}")
{
    public string Piece { get; } = piece;
}
