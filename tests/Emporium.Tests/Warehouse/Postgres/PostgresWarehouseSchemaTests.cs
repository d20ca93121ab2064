using Emporium.Datasets;
using Emporium.Tests.TestSupport;
using Emporium.Warehouse.Postgres;
using Npgsql;

namespace Emporium.Tests.Warehouse.Postgres;

/// <summary>Bringing the schema up to the contract touches only what differs, so the DAG tasks and processes that call it
/// while others read and write never wait on, or deadlock with, them.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresWarehouseSchemaTests(PostgresServer server)
{
    [Fact]
    public async Task A_second_initialize_leaves_tables_and_views_as_they_are_while_a_reader_holds_them()
    {
        var db = await server.CreateDatabaseAsync("schema");
        await using var warehouse = new PostgresWarehouse(new PostgresWarehouseOptions { ConnectionString = db });
        await warehouse.InitializeAsync(DatasetCatalog.All, CancellationToken.None);
        var before = await RelationsAsync(db);

        // A reader in the middle of a transaction over a mart (and so its tables), as a dashboard or a DAG task is.
        await using var reader = new NpgsqlConnection(db);
        await reader.OpenAsync();
        await using var open = await reader.BeginTransactionAsync();
        await using (var read = new NpgsqlCommand("SELECT count(*) FROM daily_sales", reader, open))
        {
            await read.ExecuteScalarAsync();
        }
        await using var other = new PostgresWarehouse(new PostgresWarehouseOptions { ConnectionString = db });
        await other.InitializeAsync(DatasetCatalog.All, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(before, await RelationsAsync(db));
    }

    [Fact]
    public async Task A_view_whose_sql_changed_is_created_again_with_the_marts_that_read_it()
    {
        var db = await server.CreateDatabaseAsync("schema");
        await using var warehouse = new PostgresWarehouse(new PostgresWarehouseOptions { ConnectionString = db });
        await warehouse.InitializeAsync(DatasetCatalog.All, CancellationToken.None);
        var before = await RelationsAsync(db);
        await ExecuteAsync(db, "COMMENT ON VIEW clean_orders IS 'emporium:0000000000000000'");

        await warehouse.InitializeAsync(DatasetCatalog.All, CancellationToken.None);

        var after = await RelationsAsync(db);
        Assert.Equal(before.Keys.Order(), after.Keys.Order());
        Assert.NotEqual(before["clean_orders"], after["clean_orders"]);
        // DROP … CASCADE took the marts over clean_orders with it; they are back, the others untouched.
        Assert.NotEqual(before["daily_sales"], after["daily_sales"]);
        Assert.Equal(before["price_distribution"], after["price_distribution"]);
        Assert.Equal(before["orders"], after["orders"]);
        Assert.Equal(0L, (await warehouse.QueryAsync("SELECT count(*) FROM top_customers", CancellationToken.None)).Rows[0][0]);
    }

    [Fact]
    public async Task A_column_missing_from_a_table_is_added_and_its_rows_are_kept()
    {
        var db = await server.CreateDatabaseAsync("schema");
        await using var warehouse = new PostgresWarehouse(new PostgresWarehouseOptions { ConnectionString = db });
        await warehouse.InitializeAsync(DatasetCatalog.All, CancellationToken.None);
        await ExecuteAsync(db, "DROP VIEW IF EXISTS top_reviewed_products CASCADE; ALTER TABLE reviews DROP COLUMN helpful_votes; INSERT INTO reviews (review_id, rating) VALUES ('r1', 5)");

        await warehouse.InitializeAsync(DatasetCatalog.All, CancellationToken.None);

        var row = (await warehouse.QueryAsync("SELECT review_id, helpful_votes FROM reviews", CancellationToken.None)).Rows.Single();
        Assert.Equal("r1", row[0]);
        Assert.Null(row[1]);
        Assert.Equal(1L, (await warehouse.QueryAsync("SELECT count(*) FROM review_ratings", CancellationToken.None)).Rows[0][0]);
    }

    /// <summary>Every table and view of the schema with its oid: a relation dropped and created again gets a new one.</summary>
    private static async Task<Dictionary<string, uint>> RelationsAsync(string db)
    {
        await using var connection = new NpgsqlConnection(db);
        await connection.OpenAsync();
        await using var cmd = new NpgsqlCommand("SELECT c.relname, c.oid FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'v')", connection);
        await using var rows = await cmd.ExecuteReaderAsync();
        var relations = new Dictionary<string, uint>(StringComparer.Ordinal);
        while (await rows.ReadAsync())
        {
            relations[rows.GetString(0)] = rows.GetFieldValue<uint>(1);
        }
        return relations;
    }

    private static async Task ExecuteAsync(string db, string sql)
    {
        await using var connection = new NpgsqlConnection(db);
        await connection.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, connection);
        await cmd.ExecuteNonQueryAsync();
    }
}
