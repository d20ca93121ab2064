using System.Text.Json;
using Emporium.Datasets;
using Emporium.Log;
using Emporium.Tests.TestSupport;
using Emporium.Warehouse;
using Emporium.Warehouse.Postgres;

namespace Emporium.Tests.Warehouse.Postgres;

/// <summary>The shared read-only rules on PostgreSQL (one database per test), plus its server functions for files,
/// settings, SQL from strings and other sessions, and the reader role's own privileges.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresReadOnlyQueryTests(PostgresServer server) : ReadOnlyQueryScenarioTests, IAsyncLifetime
{
    private PostgresWarehouse _warehouse = null!;
    private string _database = null!;

    protected override IWarehouse Warehouse => _warehouse;

    protected override string RunawayQuery => "SELECT count(*) FROM generate_series(1, 1000000000) a, generate_series(1, 1000) b";

    public async Task InitializeAsync()
    {
        _database = await server.CreateDatabaseAsync("ro");
        _warehouse = new PostgresWarehouse(new PostgresWarehouseOptions { ConnectionString = _database });
        await _warehouse.InitializeAsync(DatasetCatalog.All, CancellationToken.None);
        await _warehouse.CommitAsync(SeedCategories, CancellationToken.None);
    }

    /// <summary>The same database, through a warehouse whose user queries stop after <paramref name="limit"/>.</summary>
    protected override async Task<IWarehouse> OpenWithQueryLimitAsync(TimeSpan limit)
    {
        var limited = new PostgresWarehouse(new PostgresWarehouseOptions { ConnectionString = _database, QueryTimeout = limit });
        await limited.InitializeAsync(DatasetCatalog.All, CancellationToken.None);
        return limited;
    }

    public async Task DisposeAsync() => await _warehouse.DisposeAsync();

    [Fact]
    public void The_superuser_test_cluster_gets_a_reader_role() => Assert.Equal("emporium_reader", _warehouse.ReaderRole);

    /// <summary>Npgsql reads numeric into .NET's decimal only and threw for a value beyond its 28–29 digits, failing
    /// the whole query; such a value (and NaN, the infinities) is exact text, as on DuckDB, and one a decimal holds
    /// stays a number with its scale.</summary>
    [Fact]
    public async Task Numerics_beyond_dotnets_decimal_come_out_whole()
    {
        var result = await Query("SELECT 12345678901234567890.1234567891::numeric(38,10) AS a, -1234567890123456789012345678.1234567891::numeric AS b, "
            + "0.000012345678901234567890123456789::numeric AS c, 1e40::numeric AS d, 'NaN'::numeric AS e, '-Infinity'::numeric AS f, "
            + "1234567.1234567891::numeric(38,10) AS fits, 1.50::numeric(10,2) AS scaled, 0::numeric(5,3) AS zero, -0.5::numeric AS half, 10000::numeric AS round");

        Assert.Equal("[\"12345678901234567890.1234567891\",\"-1234567890123456789012345678.1234567891\",\"0.000012345678901234567890123456789\","
            + "\"10000000000000000000000000000000000000000\",\"NaN\",\"-Infinity\",1234567.1234567891,1.50,0.000,-0.5,10000]",
            JsonSerializer.Serialize(result.Rows[0], Wire));
    }

    /// <summary>Npgsql's own command timeout (30 s by default, as the query limit) raced the server's
    /// statement_timeout: when the client gave up first, the query API answered 500 "Exception while reading from
    /// stream" instead of the time-limit refusal. A short client timeout makes the client side win every time.</summary>
    [Fact]
    public async Task The_time_limit_is_the_servers_not_the_clients_command_timeout()
    {
        var cs = await server.CreateDatabaseAsync("rotimeout");
        await using var warehouse = new PostgresWarehouse(new PostgresWarehouseOptions
        {
            ConnectionString = new Npgsql.NpgsqlConnectionStringBuilder(cs) { CommandTimeout = 1 }.ConnectionString,
            QueryTimeout = TimeSpan.FromSeconds(2),
        });
        await warehouse.InitializeAsync(DatasetCatalog.All, CancellationToken.None);

        var started = System.Diagnostics.Stopwatch.StartNew();
        // A sleep far past any delay a loaded machine adds: the bound below tells the server's limit from the sleep's end.
        var e = await Assert.ThrowsAsync<QueryRejectedException>(() => warehouse.QueryReadOnlyAsync("SELECT pg_sleep(120)", 10, CancellationToken.None));

        Assert.Equal("query cancelled after the 2 s time limit", e.Message);
        Assert.InRange(started.Elapsed, TimeSpan.FromSeconds(1.9), TimeSpan.FromSeconds(100));
        // The connection went back to the pool usable.
        Assert.Single((await warehouse.QueryReadOnlyAsync("SELECT 1", 10, CancellationToken.None)).Rows);
    }

    [Theory]
    [InlineData("select $$pg_read_file$$ as y;")]
    [InlineData("SELECT U&'d\\0061t\\+000061' AS unicode_escaped_text, 6 & 3 AS bits")]
    public async Task Postgres_reads_are_allowed(string sql) => Assert.NotEmpty((await Query(sql)).Columns);

    [Theory]
    [InlineData("COPY categories FROM PROGRAM 'id'")]
    [InlineData("SET ROLE emporium")]
    [InlineData("SELECT pg_read_file('/etc/hostname')")]
    [InlineData("SELECT pg_catalog.pg_read_file('/etc/passwd', 0, 100)")]
    [InlineData("SELECT \"pg_read_binary_file\"('/etc/passwd')")]
    [InlineData("SELECT * FROM pg_ls_dir('.')")]
    [InlineData("SELECT lo_import('/etc/passwd')")]
    [InlineData("SELECT set_config('role', 'emporium', true)")]
    [InlineData("SELECT query_to_xml('DELETE FROM categories', true, true, '')")]
    [InlineData("SELECT pg_advisory_lock(1)")]
    [InlineData("SELECT pg_terminate_backend(1)")]
    [InlineData("SELECT most_common_vals::text FROM pg_stats WHERE tablename = 'alert_deliveries'")]
    [InlineData("SELECT * FROM pg_catalog.\"PG_STATS\"")]
    [InlineData("SELECT * FROM pg_stats_ext")]
    public Task Postgres_server_file_setting_and_session_functions_are_refused(string sql) => AssertRefused(sql);

    /// <summary>The test cluster's user is a superuser, so a query that leaves the reader role (set_config('role', …),
    /// which PostgreSQL lets any role of the session's user take) and then runs SQL given as text reads the server's
    /// files. The checks read names as the server does: a Unicode-escaped identifier (<c>U&amp;"set\005fconfig"</c>) is
    /// set_config, and ts_stat/ts_rewrite run the SQL text they are given, which no check sees.</summary>
    [Theory]
    [InlineData("SELECT U&\"set\\005fconfig\"('role', session_user::text, true) AS r, U&\"query\\005fto\\005fxml\"('SELECT pg_read_file(''/etc/hostname'') AS f', true, false, '') AS x")]
    [InlineData("SELECT u&\"set!005fconfig\" UESCAPE '!' ('role', session_user::text, true) AS r, U&\"query\\005fto\\005fxml\"('SELECT pg_read_file(''/etc/hostname'') AS f', true, false, '') AS x")]
    [InlineData("SELECT pg_catalog.U&\"set\\005fconfig\"('role', session_user::text, true) AS r, U&\"query\\005fto\\005fxml\"('SELECT pg_read_file(''/etc/hostname'') AS f', true, false, '') AS x")]
    [InlineData("SELECT * FROM ts_stat('SELECT to_tsvector(set_config(''role'', session_user::text, true)) UNION ALL SELECT to_tsvector(x::text) FROM query_to_xml(''SELECT pg_read_file(''''/etc/hostname'''') AS f'', true, false, '''') x')")]
    [InlineData("SELECT ts_rewrite('a'::tsquery, 'SELECT ''a''::tsquery, to_tsquery(quote_literal(set_config(''role'', session_user::text, true)))')")]
    public async Task Server_files_stay_out_of_reach_of_escaped_names_and_sql_in_strings(string sql)
    {
        var hostname = (await File.ReadAllTextAsync("/etc/hostname")).Trim();
        var e = await Assert.ThrowsAsync<QueryRejectedException>(() => Query(sql));
        Assert.True(e.Refused, e.Message);
        Assert.DoesNotContain(hostname, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_reader_role_itself_cannot_read_server_files_even_past_the_statement_checks()
    {
        // Straight to the server as the reader role, bypassing the guard: PostgreSQL's own privileges refuse it.
        var e = await Assert.ThrowsAsync<Npgsql.PostgresException>(() => _warehouse.QueryAsync(
            "BEGIN READ ONLY; SET LOCAL ROLE emporium_reader; SELECT pg_read_file('/etc/hostname'); COMMIT", CancellationToken.None));
        Assert.Equal(Npgsql.PostgresErrorCodes.InsufficientPrivilege, e.SqlState);
    }
    /// <summary>The reader role had SELECT on every table of the schema, so only the statement checks kept a query from
    /// the outbox's webhook URLs and the processor's bookkeeping. PostgreSQL itself refuses them to the role now, while
    /// the datasets, DAG tables and marts stay readable.</summary>
    [Theory]
    [InlineData("alert_deliveries")]
    [InlineData("_emporium_offsets")]
    [InlineData("_emporium_ingest_claims")]
    public async Task The_reader_role_itself_cannot_read_internal_tables(string table)
    {
        await _warehouse.InitializeAsync([.. DatasetCatalog.All, .. Emporium.Sources.SeedDatasets.All], CancellationToken.None);

        var e = await Assert.ThrowsAsync<Npgsql.PostgresException>(() => AsReader($"SELECT count(*) FROM \"{table}\""));
        Assert.Equal(Npgsql.PostgresErrorCodes.InsufficientPrivilege, e.SqlState);
        Assert.NotNull(await AsReader("SELECT count(*) FROM categories"));
        Assert.NotNull(await AsReader("SELECT count(*) FROM alerts"));
        Assert.NotNull(await AsReader("SELECT count(*) FROM category_distribution"));
    }

    /// <summary>A database whose reader role an earlier version granted the whole schema loses the internal tables at
    /// the next start-up.</summary>
    [Fact]
    public async Task Start_up_takes_back_a_grant_on_internal_tables_made_before()
    {
        await _warehouse.InitializeAsync([.. DatasetCatalog.All, .. Emporium.Sources.SeedDatasets.All], CancellationToken.None);
        await _warehouse.ExecuteAsync("GRANT SELECT ON ALL TABLES IN SCHEMA public TO emporium_reader", CancellationToken.None);
        Assert.Equal(0L, await AsReader("SELECT count(*) FROM alert_deliveries"));

        await using var restarted = new PostgresWarehouse(new PostgresWarehouseOptions { ConnectionString = _database });
        await restarted.InitializeAsync([.. DatasetCatalog.All, .. Emporium.Sources.SeedDatasets.All], CancellationToken.None);

        var e = await Assert.ThrowsAsync<Npgsql.PostgresException>(() => AsReader("SELECT count(*) FROM alert_deliveries"));
        Assert.Equal(Npgsql.PostgresErrorCodes.InsufficientPrivilege, e.SqlState);
        Assert.Equal(0L, await AsReader("SELECT count(*) FROM products"));
    }

    /// <summary>The statement checks refuse the outbox by name, but <c>pg_stats</c> names it in a string: its sampled
    /// values (the webhook URLs) were a query away while the reader role could read the table, since PostgreSQL shows a
    /// column's statistics to whoever may read the column. Without the grant they are not shown.</summary>
    [Fact]
    public async Task The_outboxs_webhook_urls_are_not_readable_through_the_statistics_either()
    {
        await _warehouse.InitializeAsync([.. DatasetCatalog.All, .. Emporium.Sources.SeedDatasets.All], CancellationToken.None);
        await _warehouse.ExecuteAsync("""
            INSERT INTO alert_deliveries (alert_id, webhook, state, attempts, updated_at)
            SELECT 'a' || i, 'https://hooks.example.com/services/T0/B0/s3cr3t' || (i % 2), 'pending', 0, now() FROM generate_series(1, 50) i;
            ANALYZE alert_deliveries
            """, CancellationToken.None);
        const string Stats = "SELECT coalesce(string_agg(concat(most_common_vals::text, histogram_bounds::text), ''), '') FROM pg_stats WHERE tablename = 'alert_deliveries'";
        // As an earlier version granted it, the statistics gave the URLs away to the role, past the name checks.
        await _warehouse.ExecuteAsync("GRANT SELECT ON alert_deliveries TO emporium_reader", CancellationToken.None);
        Assert.Contains("s3cr3t", (string)(await AsReader(Stats))!, StringComparison.Ordinal);

        await using var restarted = new PostgresWarehouse(new PostgresWarehouseOptions { ConnectionString = _database });
        await restarted.InitializeAsync([.. DatasetCatalog.All, .. Emporium.Sources.SeedDatasets.All], CancellationToken.None);

        Assert.Equal("", await AsReader(Stats));
        // And a query may not read the statistics at all: a configured user without the role reads the outbox.
        var e = await Assert.ThrowsAsync<QueryRejectedException>(() => restarted.QueryReadOnlyAsync(Stats, 10, CancellationToken.None));
        Assert.True(e.Refused, e.Message);
        Assert.Contains("pg_stats", e.Message, StringComparison.Ordinal);
    }

    /// <summary>Straight to the server as the reader role, past the statement checks.</summary>
    private async Task<object?> AsReader(string sql)
    {
        await using var connection = new Npgsql.NpgsqlConnection(_database);
        await connection.OpenAsync();
        await using var tx = await connection.BeginTransactionAsync();
        await using (var role = new Npgsql.NpgsqlCommand("SET LOCAL ROLE emporium_reader", connection, tx))
        {
            await role.ExecuteNonQueryAsync();
        }
        await using var cmd = new Npgsql.NpgsqlCommand(sql, connection, tx);
        return await cmd.ExecuteScalarAsync();
    }
}
