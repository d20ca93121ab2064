using System.Net.Sockets;
using Emporium.Configuration;
using Npgsql;

namespace Emporium.Warehouse.Postgres;

/// <summary>Serves <c>postgres://user:pass@host:port/db</c> (and <c>postgresql://</c>) warehouse addresses. It
/// connects once before returning so a wrong host, password or database stops start-up with a message naming the
/// setting.</summary>
public sealed class PostgresWarehouseBackendFactory : IBackendFactory<IWarehouse>
{
    /// <summary>Commits are fenced per group with advisory locks, so processes sharing a database never double-commit.</summary>
    public bool SharedByProcesses => true;

    public IReadOnlyCollection<string> Schemes { get; } = ["postgres", "postgresql"];

    public async ValueTask<IWarehouse> CreateAsync(BackendAddress address, EmporiumOptions options, CancellationToken ct)
    {
        PostgresWarehouseOptions warehouseOptions;
        try
        {
            warehouseOptions = PostgresAddress.ToOptions(address.Value);
        }
        catch (Exception e) when (e is FormatException or ArgumentException)
        {
            throw new BackendConfigurationException(BackendKind.Warehouse, e.Message, e);
        }
        var warehouse = new PostgresWarehouse(warehouseOptions);
        try
        {
            await warehouse.CheckConnectionAsync(ct).ConfigureAwait(false);
            return warehouse;
        }
        catch (Exception e) when (Explain(e) is { } reason)
        {
            await warehouse.DisposeAsync().ConfigureAwait(false);
            throw new BackendConfigurationException(BackendKind.Warehouse,
                $"cannot use PostgreSQL at '{PostgresAddress.Redact(address.Value)}': {reason}", e);
        }
    }

    /// <summary>A one-line cause for the failures a wrong address produces; null for anything else.</summary>
    internal static string? Explain(Exception e) => e switch
    {
        PostgresException { SqlState: PostgresErrorCodes.InvalidPassword or PostgresErrorCodes.InvalidAuthorizationSpecification } p =>
            $"authentication failed ({p.MessageText})",
        PostgresException { SqlState: PostgresErrorCodes.InvalidCatalogName } p => $"the database does not exist ({p.MessageText})",
        PostgresException p => p.MessageText,
        NpgsqlException { InnerException: SocketException s } => $"cannot reach the server ({s.Message})",
        NpgsqlException { InnerException: TimeoutException } => "cannot reach the server (connection timed out)",
        NpgsqlException n => n.Message,
        SocketException s => $"cannot reach the server ({s.Message})",
        TimeoutException => "cannot reach the server (connection timed out)",
        _ => null,
    };
}
