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
        Assert.StartsWith("--warehouse (setting Warehouse): ", e.Message, StringComparison.Ordinal);
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

    /// <summary>PostgreSQL 15 no longer lets every user create in schema public: a service user that can log in but
    /// not create tables passed the factory's connection check, and the tables' set-up then ended start-up with an
    /// unhandled exception and its stack trace.</summary>
    [Fact]
    public async Task A_user_who_may_not_create_tables_is_told_which_grant_it_lacks()
    {
        var cs = await server.CreateDatabaseAsync("nocreate");
        var user = $"plain_{Guid.NewGuid():N}"[..20];
        await using (var admin = new Npgsql.NpgsqlConnection(cs))
        {
            await admin.OpenAsync();
            await using var create = new Npgsql.NpgsqlCommand($"CREATE ROLE {user} LOGIN", admin);
            await create.ExecuteNonQueryAsync();
        }
        var database = new Npgsql.NpgsqlConnectionStringBuilder(cs).Database;
        var address = BackendAddresses.Parse(BackendKind.Warehouse, $"postgres://{user}:secret@{server.Host}:{server.Port}/{database}", "duckdb", "/unused");
        await using var warehouse = await new PostgresWarehouseBackendFactory().CreateAsync(address, new EmporiumOptions(), CancellationToken.None);

        var e = await Assert.ThrowsAsync<BackendConfigurationException>(() => warehouse.InitializeAsync(Emporium.Datasets.DatasetCatalog.Streamed, CancellationToken.None));

        Assert.Equal($"--warehouse (setting Warehouse): cannot set up the warehouse in PostgreSQL at 'postgres://{user}@{server.Host}:{server.Port}/{database}': "
            + $"permission denied for schema public; user '{user}' needs CREATE on the schema (GRANT CREATE ON SCHEMA \"public\" TO \"{user}\"; "
            + "PostgreSQL 15 no longer grants it to every user) or to own the database", e.Message);
    }

    /// <summary>A second service user given CREATE on the schema but nothing on the tables the first one created: the
    /// set-up found every table and view in place and changed nothing, so start-up passed; then the processor failed
    /// every second with a stack trace, and <c>emporium load</c> and <c>catalog</c> ended with "Unhandled exception".</summary>
    [Fact]
    public async Task A_user_without_rights_on_tables_another_user_created_is_told_which_grant_it_lacks()
    {
        var cs = await server.CreateDatabaseAsync("norights");
        var database = new Npgsql.NpgsqlConnectionStringBuilder(cs).Database;
        await using (var owner = new PostgresWarehouse(new PostgresWarehouseOptions { ConnectionString = cs }))
        {
            await owner.InitializeAsync(Emporium.Datasets.DatasetCatalog.Streamed, CancellationToken.None);
        }
        var user = $"other_{Guid.NewGuid():N}"[..20];
        await using (var admin = new Npgsql.NpgsqlConnection(cs))
        {
            await admin.OpenAsync();
            await using var create = new Npgsql.NpgsqlCommand($"CREATE ROLE {user} LOGIN; GRANT CREATE ON SCHEMA public TO {user}; GRANT SELECT ON ALL TABLES IN SCHEMA public TO {user}", admin);
            await create.ExecuteNonQueryAsync();
        }
        var address = BackendAddresses.Parse(BackendKind.Warehouse, $"postgres://{user}:secret@{server.Host}:{server.Port}/{database}", "duckdb", "/unused");
        await using var warehouse = await new PostgresWarehouseBackendFactory().CreateAsync(address, new EmporiumOptions(), CancellationToken.None);

        var e = await Assert.ThrowsAsync<BackendConfigurationException>(() => warehouse.InitializeAsync(Emporium.Datasets.DatasetCatalog.Streamed, CancellationToken.None));

        Assert.Equal($"--warehouse (setting Warehouse): cannot set up the warehouse in PostgreSQL at 'postgres://{user}@{server.Host}:{server.Port}/{database}': "
            + $"user '{user}' may not INSERT, UPDATE, DELETE table _emporium_offsets (owned by emporium) nor 6 other tables of the warehouse; "
            + $"it needs SELECT, INSERT, UPDATE, DELETE on them (GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA \"public\" TO \"{user}\") "
            + "or to own them, which start-up needs to add a column a new version brings", e.Message);
    }

    [Fact]
    public async Task A_good_address_yields_a_postgres_warehouse()
    {
        var address = BackendAddresses.Parse(BackendKind.Warehouse, server.AddressFor(await server.CreateDatabaseAsync("factory")), "duckdb", "/unused");
        await using var warehouse = await new PostgresWarehouseBackendFactory().CreateAsync(address, new EmporiumOptions(), CancellationToken.None);
        Assert.Equal(SqlDialect.Postgres, warehouse.Dialect);
    }
}
