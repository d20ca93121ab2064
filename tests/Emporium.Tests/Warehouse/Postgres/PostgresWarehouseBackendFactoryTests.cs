using Emporium.Configuration;
using Emporium.Tests.TestSupport;
using Emporium.Warehouse;
using Emporium.Warehouse.Postgres;

namespace Emporium.Tests.Warehouse.Postgres;

/// <summary>Bad warehouse addresses stop start-up with one line naming the setting, never a client stack trace.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresWarehouseBackendFactoryTests(PostgresServer server)
{
    private static async Task<BackendConfigurationException> Fails(string uri)
    {
        var address = BackendAddresses.Parse(BackendKind.Warehouse, uri, "duckdb", "/unused");
        var e = await Assert.ThrowsAsync<BackendConfigurationException>(async () =>
            await new PostgresWarehouseBackendFactory().CreateAsync(address, new EmporiumOptions(), CancellationToken.None));
        Assert.StartsWith("--warehouse (Emporium:Warehouse): ", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("secret", e.Message, StringComparison.Ordinal);
        return e;
    }

    [Fact]
    public async Task An_unreachable_host_is_reported_as_such() =>
        Assert.Contains("cannot reach the server", (await Fails($"postgres://u:secret@127.0.0.1:{FreePort.Next()}/db")).Message, StringComparison.Ordinal);

    [Fact]
    public async Task A_missing_database_is_reported_as_such()
    {
        var e = await Fails($"postgres://emporium:secret@{server.Host}:{server.Port}/no_such_db");
        Assert.Contains("does not exist", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Wrong_credentials_are_reported_as_such()
    {
        // The fixture trusts loopback, so a role with a password and md5 rules would need pg_hba changes; an unknown
        // user is refused by authentication the same way and is what a wrong user name produces in production.
        var e = await Fails($"postgres://nobody_here:secret@{server.Host}:{server.Port}/postgres");
        Assert.Contains("authentication failed", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_good_address_yields_a_postgres_warehouse()
    {
        var address = BackendAddresses.Parse(BackendKind.Warehouse, server.AddressFor(await server.CreateDatabaseAsync("factory")), "duckdb", "/unused");
        await using var warehouse = await new PostgresWarehouseBackendFactory().CreateAsync(address, new EmporiumOptions(), CancellationToken.None);
        Assert.Equal(SqlDialect.Postgres, warehouse.Dialect);
    }
}
