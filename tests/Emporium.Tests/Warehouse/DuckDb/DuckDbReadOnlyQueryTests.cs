using System.Globalization;
using System.Text.Json;
using Emporium.Datasets;
using Emporium.Log;
using Emporium.Tests.TestSupport;
using Emporium.Warehouse;
using Emporium.Warehouse.DuckDb;

namespace Emporium.Tests.Warehouse.DuckDb;

/// <summary>One warehouse shared by the read-only tests: none of them may change it, which each one checks.</summary>
public sealed class ReadOnlyWarehouseFixture : IAsyncLifetime
{
    private readonly TempDir _dir = new("readonly");
    private DuckDbWarehouse _warehouse = null!;

    public DuckDbWarehouse Warehouse => _warehouse;

    public string Combine(string name) => _dir.Combine(name);

    public async Task InitializeAsync()
    {
        _warehouse = await OpenAsync(_dir.Combine("w.duckdb"));
        File.WriteAllText(_dir.Combine("secret.csv"), "a,b\n1,2\n");
    }

    /// <summary>A warehouse of its own holding the seeded categories, whose user queries stop after <paramref name="limit"/>
    /// (the default limit when null).</summary>
    public static async Task<DuckDbWarehouse> OpenAsync(string path, TimeSpan? limit = null)
    {
        var options = new DuckDbWarehouseOptions { Path = path };
        var warehouse = new DuckDbWarehouse(limit is { } l ? options with { QueryTimeout = l } : options);
        await warehouse.InitializeAsync(DatasetCatalog.All, CancellationToken.None);
        await warehouse.CommitAsync(ReadOnlyQueryScenarioTests.SeedCategories, CancellationToken.None);
        return warehouse;
    }

    public async Task DisposeAsync()
    {
        await _warehouse.DisposeAsync();
        _dir.Dispose();
    }
}

/// <summary>The shared read-only rules on DuckDB, plus its own ways to reach files, extensions and other databases.</summary>
public sealed class DuckDbReadOnlyQueryTests(ReadOnlyWarehouseFixture fixture) : ReadOnlyQueryScenarioTests, IClassFixture<ReadOnlyWarehouseFixture>
{
    private readonly ReadOnlyWarehouseFixture _dir = fixture;

    protected override IWarehouse Warehouse => _dir.Warehouse;

    protected override string RunawayQuery => "SELECT count(*) FROM range(100000000000) a";

    protected override async Task<IWarehouse> OpenWithQueryLimitAsync(TimeSpan limit) =>
        await ReadOnlyWarehouseFixture.OpenAsync(_dir.Combine($"limited-{Guid.NewGuid():N}.duckdb"), limit);

    [Theory]
    [InlineData("SELECT * FROM range(3)")]
    public async Task DuckDb_reads_are_allowed(string sql) => Assert.NotEmpty((await Query(sql)).Columns);

    /// <summary>DuckDB's SUMMARIZE and DESCRIBE name a table too, and SUMMARIZE shows a column's least and greatest value.</summary>
    [Theory]
    [InlineData("SUMMARIZE alert_deliveries")]
    [InlineData("DESCRIBE alert_deliveries")]
    public Task DuckDb_summaries_of_the_alert_outbox_are_out_of_reach(string sql) => The_alert_outbox_and_its_webhook_urls_are_out_of_reach(sql);

    [Fact]
    public async Task Structs_maps_lists_blobs_and_intervals_come_out_as_json_values()
    {
        var result = await Query("SELECT {'id': id, 'tags': [category_name, NULL]} AS s, map([id, id + 1], [category_name, NULL]) AS m, "
            + "'\\xCA\\xFE'::BLOB AS b, INTERVAL 90 MINUTE AS gap FROM categories WHERE id = 1");

        var json = JsonSerializer.Serialize(result.Rows[0]);
        Assert.Equal("[{\"id\":1,\"tags\":[\"c1\",null]},{\"1\":\"c1\",\"2\":null},\"yv4=\",\"PT1H30M\"]", json);
    }

    /// <summary>Values DuckDB.NET throws on when read plainly (infinite dates and timestamps, a DECIMAL(38) wider than
    /// .NET's decimal) come out as text, and types whose enum name differs from DuckDB's are named as DuckDB names them.</summary>
    [Fact]
    public async Task Infinite_dates_wide_decimals_and_precise_timestamps_come_out_as_values()
    {
        var result = await Query("SELECT DATE 'infinity' AS d, TIMESTAMP '-infinity' AS t, CAST('infinity' AS TIMESTAMPTZ) AS tz, "
            + "CAST('-12345678901234567890123456789012.125' AS DECIMAL(38,3)) AS wide, CAST('0.05' AS DECIMAL(38,3)) AS small, "
            + "CAST('2024-01-01 10:00:00.123456' AS TIMESTAMP_NS) AS ns, CAST(1 AS UBIGINT) AS u, SUM(id) AS total FROM categories");

        Assert.Equal("[\"infinity\",\"-infinity\",\"infinity\",\"-12345678901234567890123456789012.125\",0.05,\"2024-01-01T10:00:00.123456\",1,1275]",
            JsonSerializer.Serialize(result.Rows[0], Wire));
        Assert.Equal(["date", "timestamp", "timestamptz", "decimal", "decimal", "timestamp_ns", "ubigint", "hugeint"], result.Columns.Select(c => c.Type));
    }

    /// <summary>A DECIMAL(38,s) whose digits fit .NET's decimal's range but not its 28–29 digits of precision: DuckDB.NET
    /// rounded the fraction silently (…567890.1234567891 read …567890.123456789), so the API sent another number than
    /// the warehouse held. Such a value is exact text; one decimal holds whole stays a number.</summary>
    [Fact]
    public async Task Decimals_with_more_digits_than_dotnets_decimal_keeps_come_out_whole()
    {
        var result = await Query("SELECT CAST('12345678901234567890.1234567891' AS DECIMAL(38,10)) AS a, "
            + "CAST('-1234567890123456789012345678.1234567891' AS DECIMAL(38,10)) AS b, CAST('0.12345678901234567890123456789' AS DECIMAL(38,29)) AS c, "
            + "CAST('1234567.1234567891' AS DECIMAL(38,10)) AS fits, CAST('1234567890123456789.123456789' AS DECIMAL(38,9)) AS full");

        Assert.Equal("[\"12345678901234567890.1234567891\",\"-1234567890123456789012345678.1234567891\",\"0.12345678901234567890123456789\",1234567.1234567891,1234567890123456789.123456789]",
            JsonSerializer.Serialize(result.Rows[0], Wire));
    }

    /// <summary>The catalog views are refused, naming what lists tables and columns instead, and those work.</summary>
    [Fact]
    public async Task The_catalog_views_are_refused_pointing_to_show_tables_and_describe()
    {
        var e = await Assert.ThrowsAsync<QueryRejectedException>(() => Query("SELECT table_name FROM information_schema.tables"));
        Assert.Contains("'information_schema.tables' is outside the warehouse; list the tables with SHOW TABLES and a table's columns with DESCRIBE name", e.Message, StringComparison.Ordinal);

        Assert.Contains("categories", (await Query("SHOW TABLES")).Rows.Select(r => (string)r[0]!));
        Assert.Equal(["id", "category_name", "_source", "_loaded_at"], (await Query("DESCRIBE categories")).Rows.Select(r => (string)r[0]!));
    }

    /// <summary>A value the driver cannot hand out at all is the query's 400, naming the column and the cast that reads it.</summary>
    [Theory]
    [InlineData("SELECT union_value(k := 1) AS u", "u")]
    [InlineData("SELECT [INTERVAL 1 MONTH] AS spans", "spans")]
    public async Task A_value_the_driver_cannot_read_is_refused_with_the_cast_that_reads_it(string sql, string column)
    {
        var e = await Assert.ThrowsAsync<QueryRejectedException>(() => Query(sql));
        Assert.StartsWith($"column '{column}' (", e.Message, StringComparison.Ordinal);
        Assert.EndsWith($"CAST(\"{column}\" AS VARCHAR)", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("ATTACH 'other.duckdb' AS other")]
    [InlineData("INSTALL httpfs")]
    [InlineData("LOAD httpfs")]
    [InlineData("PRAGMA database_list")]
    [InlineData("EXPORT DATABASE 'out'")]
    [InlineData("CALL pragma_version()")]
    [InlineData("SELECT getenv('HOME')")]
    [InlineData("SELECT * FROM duckdb_settings()")]
    [InlineData("SELECT * FROM glob('/etc/*')")]
    [InlineData("SELECT * FROM read_text('/etc/hostname')")]
    [InlineData("SELECT * FROM read_blob('/etc/hostname')")]
    [InlineData("SELECT * FROM read_parquet('x.parquet')")]
    [InlineData("SELECT * FROM read_json_auto('x.json')")]
    [InlineData("SELECT * FROM parquet_metadata('x.parquet')")]
    [InlineData("SELECT * FROM '/etc/passwd'")]
    [InlineData("SELECT * FROM other.main.categories")]
    [InlineData("SELECT * FROM temp.main._stage_categories")]
    [InlineData("WITH x AS (SELECT * FROM read_csv('/etc/passwd')) SELECT * FROM x")]
    [InlineData("SELECT (SELECT count(*) FROM read_csv_auto('/etc/passwd'))")]
    [InlineData("SELECT * FROM categories WHERE id IN (SELECT 1 FROM query('SELECT 1'))")]
    [InlineData("SELECT json_serialize_plan('SELECT * FROM glob(''/etc/*'')')")]
    [InlineData("SELECT json_serialize_plan('SELECT * FROM read_parquet(''/etc/*'')')")]
    public Task DuckDb_file_extension_and_database_access_is_refused(string sql) => AssertRefused(sql);

    [Fact]
    public async Task Copy_to_and_from_a_file_is_refused_and_touches_no_file()
    {
        var target = _dir.Combine("stolen.csv");
        await Assert.ThrowsAsync<QueryRejectedException>(() => Query($"COPY categories TO '{target}'"));
        await Assert.ThrowsAsync<QueryRejectedException>(() => Query($"COPY (SELECT * FROM categories) TO '{target}' (FORMAT csv)"));
        await Assert.ThrowsAsync<QueryRejectedException>(() => Query($"COPY categories FROM '{_dir.Combine("secret.csv")}'"));
        Assert.False(File.Exists(target));
        await AssertIntact();
    }

    /// <summary>A CTE named like a file only stands for the CTE where DuckDB binds it so; the same name anywhere else
    /// is a replacement scan that reads the file.</summary>
    [Theory]
    [InlineData("SELECT * FROM (WITH \"{0}\" AS (SELECT 1) SELECT 1), \"{0}\"")]
    [InlineData("SELECT (WITH \"{0}\" AS (SELECT 1) SELECT 1), * FROM \"{0}\"")]
    [InlineData("WITH \"{0}\" AS (SELECT * FROM \"{0}\") SELECT * FROM \"{0}\"")]
    [InlineData("WITH a AS (SELECT * FROM \"{0}\"), \"{0}\" AS (SELECT 1) SELECT * FROM a")]
    [InlineData("WITH RECURSIVE \"{0}\" AS (SELECT * FROM \"{0}\") SELECT * FROM \"{0}\"")]
    [InlineData("WITH RECURSIVE \"{0}\" AS (SELECT * FROM \"{0}\" UNION ALL SELECT 1, 2) SELECT * FROM \"{0}\"")]
    public async Task A_cte_named_like_a_file_reads_no_file_outside_its_scope(string template)
    {
        var e = await Assert.ThrowsAsync<QueryRejectedException>(() => Query(string.Format(CultureInfo.InvariantCulture, template, _dir.Combine("secret.csv"))));
        Assert.StartsWith("query refused:", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("WITH a AS (SELECT 1 AS x), b AS (SELECT x + 1 AS x FROM a) SELECT * FROM b, a")]
    [InlineData("WITH RECURSIVE t AS (SELECT 1 AS x UNION ALL SELECT x + 1 FROM t WHERE x < 3) SELECT sum(x) FROM t")]
    [InlineData("WITH a AS (SELECT 1 AS x) SELECT * FROM (SELECT * FROM a) s WHERE x IN (SELECT x FROM a)")]
    [InlineData("WITH categories AS (SELECT * FROM categories WHERE id < 3) SELECT count(*) FROM categories")]
    public async Task Ctes_are_tables_where_they_are_in_scope(string sql) => Assert.NotEmpty((await Query(sql)).Rows);

    [Fact]
    public async Task Reading_a_local_file_is_refused_in_every_spelling()
    {
        var file = _dir.Combine("secret.csv");
        foreach (var sql in new[] { $"SELECT * FROM read_csv('{file}')", $"SELECT * FROM '{file}'", $"FROM read_csv_auto('{file}')", $"SELECT * FROM sniff_csv('{file}')" })
        {
            var e = await Assert.ThrowsAsync<QueryRejectedException>(() => Query(sql));
            Assert.StartsWith("query refused:", e.Message, StringComparison.Ordinal);
        }
    }
}
