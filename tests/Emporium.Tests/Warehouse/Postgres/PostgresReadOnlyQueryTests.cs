using Emporium.Datasets;
using Emporium.Log;
using Emporium.Tests.TestSupport;
using Emporium.Warehouse;
using Emporium.Warehouse.Postgres;

namespace Emporium.Tests.Warehouse.Postgres;

/// <summary>User queries on PostgreSQL: plain reads pass; writes, several statements, server files, settings and
/// session changes are refused, and nothing changes. One database for the class; every test checks it is intact.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresReadOnlyQueryTests(PostgresServer server) : IAsyncLifetime
{
    private PostgresWarehouse _warehouse = null!;

    public async Task InitializeAsync()
    {
        var cs = await server.CreateDatabaseAsync("ro");
        _warehouse = new PostgresWarehouse(new PostgresWarehouseOptions { ConnectionString = cs, QueryTimeout = TimeSpan.FromMilliseconds(300) });
        await _warehouse.InitializeAsync(DatasetCatalog.All, CancellationToken.None);
        await _warehouse.CommitAsync(new WarehouseBatch(
            [new DatasetRows(DatasetCatalog.Categories, Enumerable.Range(1, 50).Select(i => new CanonicalRecord(DatasetCatalog.Categories, [(long)i, $"c{i}"])).ToList(), "t")],
            "processor", new Dictionary<TopicPartition, long>()), CancellationToken.None);
    }

    public async Task DisposeAsync() => await _warehouse.DisposeAsync();

    private Task<QueryResult> Query(string sql, int max = 1000) => _warehouse.QueryReadOnlyAsync(sql, max, CancellationToken.None);

    private async Task AssertIntact() =>
        Assert.Equal(50L, (await _warehouse.QueryAsync("SELECT count(*) FROM categories", CancellationToken.None)).Rows[0][0]);

    [Fact]
    public void The_superuser_test_cluster_gets_a_reader_role() => Assert.Equal("emporium_reader", _warehouse.ReaderRole);

    [Theory]
    [InlineData("SELECT count(*) FROM categories")]
    [InlineData("WITH c AS (SELECT id FROM categories WHERE id < 10) SELECT sum(id) FROM c")]
    [InlineData("SELECT id, row_number() OVER (ORDER BY id DESC) FROM categories")]
    [InlineData("SELECT p.asin, c.category_name FROM products p LEFT JOIN categories c ON c.id = p.category_id")]
    [InlineData("SELECT * FROM daily_sales")]
    [InlineData("SELECT lower(category_name), round(avg(id), 2) FROM categories GROUP BY 1")]
    [InlineData("select 'a;b' as x, $$pg_read_file$$ as y;")]
    [InlineData("select 1 -- trailing comment")]
    public async Task Plain_reads_are_allowed(string sql)
    {
        var result = await Query(sql);
        Assert.NotEmpty(result.Columns);
    }

    [Fact]
    public async Task Results_are_capped_and_flagged_truncated()
    {
        var result = await Query("SELECT id FROM categories ORDER BY id", 10);
        Assert.Equal(10, result.Rows.Count);
        Assert.True(result.Truncated);
        Assert.Equal(Enumerable.Range(1, 10).Select(i => (object?)(long)i), result.Rows.Select(r => r[0]));
        Assert.False((await Query("SELECT id FROM categories", 50)).Truncated);
    }

    [Theory]
    [InlineData("INSERT INTO categories VALUES (999, 'x', NULL, NULL)")]
    [InlineData("UPDATE categories SET category_name = 'x'")]
    [InlineData("DELETE FROM categories")]
    [InlineData("DROP TABLE categories")]
    [InlineData("CREATE TABLE x AS SELECT 1")]
    [InlineData("SELECT 1; DELETE FROM categories")]
    [InlineData("SELECT 1; SELECT 2")]
    [InlineData("COPY categories TO '/tmp/stolen.csv'")]
    [InlineData("COPY categories FROM PROGRAM 'id'")]
    [InlineData("SET ROLE emporium")]
    [InlineData("SELECT pg_read_file('/etc/hostname')")]
    [InlineData("SELECT pg_catalog.pg_read_file('/etc/passwd', 0, 100)")]
    [InlineData("SELECT \"pg_read_binary_file\"('/etc/passwd')")]
    [InlineData("SELECT * FROM pg_ls_dir('.')")]
    [InlineData("SELECT lo_import('/etc/passwd')")]
    [InlineData("SELECT set_config('role', 'emporium', true)")]
    [InlineData("SELECT current_setting('data_directory')")]
    [InlineData("SELECT query_to_xml('DELETE FROM categories', true, true, '')")]
    [InlineData("SELECT pg_advisory_lock(1)")]
    [InlineData("SELECT pg_terminate_backend(1)")]
    [InlineData("WITH d AS (DELETE FROM categories RETURNING *) SELECT * FROM d")]
    [InlineData("SELECT * INTO copy_of_categories FROM categories")]
    [InlineData("SELECT * FROM categories FOR UPDATE")]
    [InlineData("SELECT nextval('x')")]
    [InlineData("SELECT 1; /* hidden */ DROP TABLE categories")]
    public async Task Writes_commands_and_file_or_system_access_are_refused(string sql)
    {
        var e = await Assert.ThrowsAsync<QueryRejectedException>(() => Query(sql));
        Assert.False(string.IsNullOrWhiteSpace(e.Message));
        Assert.DoesNotContain("   at ", e.Message, StringComparison.Ordinal);
        await AssertIntact();
    }

    [Fact]
    public async Task The_reader_role_itself_cannot_read_server_files_even_past_the_statement_checks()
    {
        // Straight to the server as the reader role, bypassing the guard: PostgreSQL's own privileges refuse it.
        var e = await Assert.ThrowsAsync<Npgsql.PostgresException>(() => _warehouse.QueryAsync(
            "BEGIN READ ONLY; SET LOCAL ROLE emporium_reader; SELECT pg_read_file('/etc/hostname'); COMMIT", CancellationToken.None));
        Assert.Equal(Npgsql.PostgresErrorCodes.InsufficientPrivilege, e.SqlState);
    }

    [Fact]
    public async Task Errors_carry_postgres_message()
    {
        var e = await Assert.ThrowsAsync<QueryRejectedException>(() => Query("SELECT no_such_column FROM categories"));
        Assert.Contains("no_such_column", e.Message, StringComparison.Ordinal);
        var syntax = await Assert.ThrowsAsync<QueryRejectedException>(() => Query("SELECT FROM WHERE"));
        Assert.Contains("syntax", syntax.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task A_runaway_query_is_interrupted_at_the_time_limit()
    {
        var e = await Assert.ThrowsAsync<QueryRejectedException>(() => Query("SELECT count(*) FROM generate_series(1, 1000000000) a, generate_series(1, 1000) b"));
        Assert.Contains("time limit", e.Message, StringComparison.Ordinal);
        await AssertIntact();
    }
}
