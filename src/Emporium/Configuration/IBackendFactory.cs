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

    /// <summary>Creates (opens, recovers) the backend. May throw with a readable message when the address is unusable.</summary>
    ValueTask<TBackend> CreateAsync(BackendAddress address, EmporiumOptions options, CancellationToken ct);
}
