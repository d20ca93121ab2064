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
        _warehouse = new DuckDbWarehouse(new DuckDbWarehouseOptions { Path = _dir.Combine("w.duckdb"), QueryTimeout = TimeSpan.FromMilliseconds(300) });
        await _warehouse.InitializeAsync(DatasetCatalog.All, CancellationToken.None);
        await _warehouse.CommitAsync(new WarehouseBatch(
            [new DatasetRows(DatasetCatalog.Categories, Enumerable.Range(1, 50).Select(i => new CanonicalRecord(DatasetCatalog.Categories, [(long)i, $"c{i}"])).ToList(), "t")],
            "processor", new Dictionary<TopicPartition, long>()), CancellationToken.None);
        File.WriteAllText(_dir.Combine("secret.csv"), "a,b\n1,2\n");
    }

    public async Task DisposeAsync()
    {
        await _warehouse.DisposeAsync();
        _dir.Dispose();
    }
}

public sealed class DuckDbReadOnlyQueryTests(ReadOnlyWarehouseFixture fixture) : IClassFixture<ReadOnlyWarehouseFixture>
{
    private readonly DuckDbWarehouse _warehouse = fixture.Warehouse;
    private readonly ReadOnlyWarehouseFixture _dir = fixture;

    private Task<QueryResult> Query(string sql, int max = 1000) => _warehouse.QueryReadOnlyAsync(sql, max, CancellationToken.None);

    [Theory]
    [InlineData("SELECT count(*) FROM categories")]
    [InlineData("WITH c AS (SELECT id FROM categories WHERE id < 10) SELECT sum(id) FROM c")]
    [InlineData("SELECT id, row_number() OVER (ORDER BY id DESC) FROM categories")]
    [InlineData("SELECT p.asin, c.category_name FROM products p LEFT JOIN categories c ON c.id = p.category_id")]
    [InlineData("SELECT * FROM daily_sales")]
    [InlineData("SELECT lower(category_name), round(avg(id), 2) FROM categories GROUP BY 1")]
    [InlineData("SELECT * FROM range(3)")]
    [InlineData("select 1;")]
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
    }

    [Theory]
    [InlineData("INSERT INTO categories VALUES (999, 'x', NULL, NULL)")]
    [InlineData("UPDATE categories SET category_name = 'x'")]
    [InlineData("DELETE FROM categories")]
    [InlineData("DROP TABLE categories")]
    [InlineData("CREATE TABLE x AS SELECT 1")]
    [InlineData("SELECT 1; DELETE FROM categories")]
    [InlineData("SELECT 1; SELECT 2")]
    [InlineData("ATTACH 'other.duckdb' AS other")]
    [InlineData("INSTALL httpfs")]
    [InlineData("LOAD httpfs")]
    [InlineData("PRAGMA database_list")]
    [InlineData("SET threads = 1")]
    [InlineData("EXPORT DATABASE 'out'")]
    [InlineData("CALL pragma_version()")]
    [InlineData("SELECT getenv('HOME')")]
    [InlineData("SELECT current_setting('threads')")]
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
    public async Task Writes_commands_and_file_or_system_access_are_refused(string sql)
    {
        var e = await Assert.ThrowsAsync<QueryRejectedException>(() => Query(sql));
        Assert.False(string.IsNullOrWhiteSpace(e.Message));
        Assert.DoesNotContain("   at ", e.Message, StringComparison.Ordinal);
        Assert.Equal(50L, (await _warehouse.QueryAsync("SELECT count(*) FROM categories", CancellationToken.None)).Rows[0][0]);
    }

    [Fact]
    public async Task Copy_to_and_from_a_file_is_refused_and_touches_no_file()
    {
        var target = _dir.Combine("stolen.csv");
        await Assert.ThrowsAsync<QueryRejectedException>(() => Query($"COPY categories TO '{target}'"));
        await Assert.ThrowsAsync<QueryRejectedException>(() => Query($"COPY (SELECT * FROM categories) TO '{target}' (FORMAT csv)"));
        await Assert.ThrowsAsync<QueryRejectedException>(() => Query($"COPY categories FROM '{_dir.Combine("secret.csv")}'"));
        Assert.False(File.Exists(target));
        Assert.Equal(50L, (await _warehouse.QueryAsync("SELECT count(*) FROM categories", CancellationToken.None)).Rows[0][0]);
    }

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

    [Fact]
    public async Task Errors_carry_duckdbs_message()
    {
        var e = await Assert.ThrowsAsync<QueryRejectedException>(() => Query("SELECT no_such_column FROM categories"));
        Assert.Contains("no_such_column", e.Message, StringComparison.Ordinal);
        var syntax = await Assert.ThrowsAsync<QueryRejectedException>(() => Query("SELEC 1"));
        Assert.Contains("syntax", syntax.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task A_runaway_query_is_interrupted_at_the_time_limit()
    {
        var e = await Assert.ThrowsAsync<QueryRejectedException>(() => Query("SELECT count(*) FROM range(100000000000) a"));
        Assert.Contains("time limit", e.Message, StringComparison.Ordinal);
    }
}
