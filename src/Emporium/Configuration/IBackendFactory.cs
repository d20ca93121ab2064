namespace Emporium.Configuration;

/// <summary>Creates one kind of backend (<see cref="Log.IEventLog"/>, <see cref="Lake.ILakeStore"/> or
/// <see cref="Warehouse.IWarehouse"/>) for the URI schemes it serves. This is the extension point for alternative
/// backends: a new backend is one small class implementing this interface (with a parameterless constructor) in the
/// Emporium or Emporium.Cli assembly; the host discovers it by reflection and picks it by the scheme of the configured
/// URI (<c>embedded</c>, <c>kafka</c>, <c>file</c>, <c>s3</c>, <c>duckdb</c>, <c>postgres</c>…).</summary>
public interface IBackendFactory<TBackend> where TBackend : class
{
    /// <summary>URI schemes served, lower-case, e.g. ["embedded"] or ["kafka"].</summary>
    IReadOnlyCollection<string> Schemes { get; }

    /// <summary>Whether several Emporium processes (split by <c>--role</c>, possibly on several machines) may use
    /// the same backend at once. Default false: files under one data dir (embedded log, DuckDB, local lake) belong to
    /// one process.</summary>
    bool SharedByProcesses => false;

    /// <summary>Creates (opens, recovers) the backend. May throw with a readable message when the address is unusable.</summary>
    ValueTask<TBackend> CreateAsync(BackendAddress address, EmporiumOptions options, CancellationToken ct);
}
