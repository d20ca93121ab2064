using Emporium.Configuration;
using Emporium.Lake;
using Emporium.Log;
using Emporium.Warehouse;

namespace Emporium.Cli.Hosting;

/// <summary>A process running only some roles relies on other processes for the rest, so every backend it names must
/// be one those processes can use at the same time. Embedded backends (segment-file log, DuckDB, local lake) live in
/// one process's data dir: with them a split is refused at start-up instead of silently running disconnected
/// halves.</summary>
public static class SplitDeployment
{
    /// <summary>Throws <see cref="StartupException"/> naming each backend that cannot be shared when the roles are
    /// not all of them.</summary>
    public static void EnsureBackendsShared(EmporiumOptions options)
    {
        var roles = options.RolesOf();
        if (roles == ProcessRoles.All)
        {
            return;
        }
        var local = new List<string>();
        Check<IEventLog>(BackendAddresses.ForLog(options), "--log", local);
        Check<ILakeStore>(BackendAddresses.ForLake(options), "--lake", local);
        Check<IWarehouse>(BackendAddresses.ForWarehouse(options), "--warehouse", local);
        if (local.Count > 0)
        {
            throw new StartupException(
                $"--role {ProcessRoleSetting.Describe(roles)} (setting Role): the other roles run in other processes, which must share " +
                $"this process's backends, but {string.Join(", ", local)} can only be used by one process. Configure shared backends " +
                "(--log kafka://host:9092 --lake s3://bucket/prefix --warehouse postgres://user:pass@host:5432/db) or run --role all.");
        }
    }

    private static void Check<TBackend>(BackendAddress address, string flag, List<string> local) where TBackend : class
    {
        if (!BackendRegistry.SharedByProcesses<TBackend>(address))
        {
            // Paths only: a remote address may carry a password.
            local.Add(address.Path is { } path ? $"{flag} {address.Scheme}:{path}" : $"{flag} (backend '{address.Scheme}')");
        }
    }
}
