using System.Text.Json;
using Emporium.Datasets;
using Emporium.Log;
using Emporium.Warehouse;

namespace Emporium.Tests.Warehouse;

/// <summary>The user-query rules every warehouse backend must keep, on one list run against each: plain reads pass
/// (capped, flagged truncated), writes, several statements, settings, sequences and row locks are refused with a
/// readable message and change nothing, errors carry the engine's message, and a runaway query stops at the time
/// limit. Each backend's class derives from it, supplies a warehouse holding <see cref="SeedCategories"/> (and one
/// with a short query limit for the runaway query), and adds the refusals only its dialect has (files, extensions,
/// server functions).</summary>
public abstract class ReadOnlyQueryScenarioTests
{
    public const int SeededRows = 50;

    protected abstract IWarehouse Warehouse { get; }

    /// <summary>A statement that runs far past <see cref="RunawayLimit"/> in this dialect.</summary>
    protected abstract string RunawayQuery { get; }

    /// <summary>The query limit of the runaway test's warehouse. Only that one has it: on a loaded machine a plain read
    /// of the seeded rows took longer than 300 ms and was cancelled as a runaway.</summary>
    protected static readonly TimeSpan RunawayLimit = TimeSpan.FromMilliseconds(300);

    /// <summary>A warehouse holding <see cref="SeedCategories"/> whose user queries stop after <paramref name="limit"/>.</summary>
    protected abstract Task<IWarehouse> OpenWithQueryLimitAsync(TimeSpan limit);

    /// <summary>Categories 1..50, committed once before the tests.</summary>
    public static WarehouseBatch SeedCategories { get; } = new(
        [new DatasetRows(DatasetCatalog.Categories, Enumerable.Range(1, SeededRows).Select(i => new CanonicalRecord(DatasetCatalog.Categories, [(long)i, $"c{i}"])).ToList(), "t")],
        "processor", new Dictionary<TopicPartition, long>());

    public static TheoryData<string> Allowed { get; } =
    [
        "SELECT count(*) FROM categories",
        "WITH c AS (SELECT id FROM categories WHERE id < 10) SELECT sum(id) FROM c",
        "SELECT id, row_number() OVER (ORDER BY id DESC) FROM categories",
        "SELECT p.asin, c.category_name FROM products p LEFT JOIN categories c ON c.id = p.category_id",
        "SELECT * FROM daily_sales",
        "SELECT lower(category_name), round(avg(id), 2) FROM categories GROUP BY 1",
        "select 1;",
        "select 'a;b' as x;",
        "select 1 -- trailing comment",
    ];

    public static TheoryData<string> Refused { get; } =
    [
        "INSERT INTO categories VALUES (999, 'x', NULL, NULL)",
        "UPDATE categories SET category_name = 'x'",
        "DELETE FROM categories",
        "DROP TABLE categories",
        "CREATE TABLE x AS SELECT 1",
        "SELECT 1; DELETE FROM categories",
        "SELECT 1; SELECT 2",
        "SELECT 1; /* hidden */ DROP TABLE categories",
        "WITH d AS (DELETE FROM categories RETURNING *) SELECT * FROM d",
        "SELECT * INTO copy_of_categories FROM categories",
        "SELECT * FROM categories FOR UPDATE",
        "COPY categories TO '/tmp/stolen.csv'",
        "SET threads = 1",
        "SELECT current_setting('threads')",
        "SELECT nextval('x')",
    ];

    /// <summary>The encoder the API writes bodies with, so a '+' reads as itself.</summary>
    protected static readonly JsonSerializerOptions Wire = new() { Encoder = Emporium.Cli.Web.WireJson.Encoder };

    protected Task<QueryResult> Query(string sql, int max = 1000) => Warehouse.QueryReadOnlyAsync(sql, max, CancellationToken.None);

    protected async Task AssertIntact(IWarehouse? warehouse = null) =>
        Assert.Equal((long)SeededRows, (await (warehouse ?? Warehouse).QueryAsync("SELECT count(*) FROM categories", CancellationToken.None)).Rows[0][0]);

    /// <summary>Refused with a one-line reason, no stack trace, and nothing changed.</summary>
    protected async Task AssertRefused(string sql)
    {
        var e = await Assert.ThrowsAsync<QueryRejectedException>(() => Query(sql));
        Assert.False(string.IsNullOrWhiteSpace(e.Message));
        Assert.DoesNotContain("   at ", e.Message, StringComparison.Ordinal);
        await AssertIntact();
    }

    [Theory]
    [MemberData(nameof(Allowed), MemberType = typeof(ReadOnlyQueryScenarioTests))]
    public async Task Plain_reads_are_allowed(string sql)
    {
        var result = await Query(sql);
        Assert.NotEmpty(result.Columns);
    }

    [Theory]
    [MemberData(nameof(Refused), MemberType = typeof(ReadOnlyQueryScenarioTests))]
    public Task Writes_commands_and_settings_are_refused(string sql) => AssertRefused(sql);

    [Fact]
    public async Task Results_are_capped_and_flagged_truncated()
    {
        var result = await Query("SELECT id FROM categories ORDER BY id", 10);
        Assert.Equal(10, result.Rows.Count);
        Assert.True(result.Truncated);
        Assert.Equal(Enumerable.Range(1, 10).Select(i => (object?)(long)i), result.Rows.Select(r => r[0]));
        Assert.False((await Query("SELECT id FROM categories", SeededRows)).Truncated);
    }

    [Fact]
    public async Task Arrays_come_out_as_json_arrays_with_their_nulls()
    {
        var result = await Query("SELECT array_agg(CASE WHEN id = 2 THEN NULL ELSE id END ORDER BY id) AS ids FROM categories WHERE id <= 3");

        Assert.Equal("[1,null,3]", JsonSerializer.Serialize(result.Rows[0][0]));
    }

    /// <summary>Values with no plain JSON form read the same from every engine: intervals as ISO 8601 durations (months
    /// kept apart from days and time), a timestamp with time zone as a UTC instant, a time with time zone as a time.</summary>
    [Fact]
    public async Task Intervals_zoned_times_and_infinities_come_out_the_same_from_every_engine()
    {
        var result = await Query("SELECT INTERVAL '1 year 2 months 3 days 04:05:06.5' AS a, INTERVAL '-1 day' AS b, INTERVAL '0 seconds' AS c, "
            + "CAST('2024-01-01 10:00:00+02' AS TIMESTAMPTZ) AS d, CAST('10:00:00+02' AS TIMETZ) AS e, "
            + "CAST('infinity' AS DATE) AS f, CAST('-infinity' AS TIMESTAMP) AS g, CAST('infinity' AS TIMESTAMPTZ) AS h");

        Assert.Equal("[\"P1Y2M3DT4H5M6.5S\",\"P-1D\",\"PT0S\",\"2024-01-01T08:00:00Z\",\"10:00:00+02:00\",\"infinity\",\"-infinity\",\"infinity\"]",
            JsonSerializer.Serialize(result.Rows[0], Wire));
    }

    [Fact]
    public async Task The_tables_and_views_a_query_may_read_are_listed_with_their_columns()
    {
        var relations = await WarehouseRelations.ListAsync(Warehouse, CancellationToken.None);

        var categories = relations.Single(r => r.Name == "categories");
        Assert.Equal("table", categories.Kind);
        Assert.Equal(["id", "category_name", "_source", "_loaded_at"], categories.Columns.Select(c => c.Name));
        var sales = relations.Single(r => r.Name == "daily_sales");
        Assert.Equal("view", sales.Kind);
        Assert.Equal(["sales_date", "country", "total_sales"], sales.Columns.Select(c => c.Name));
        // Whatever is listed, a user's query may read, with the listed columns.
        foreach (var relation in relations)
        {
            var read = await Query($"SELECT * FROM {relation.Name} LIMIT 0");
            Assert.Equal(relation.Columns.Select(c => c.Name), read.Columns.Select(c => c.Name));
        }
    }

    /// <summary>The alerts outbox holds each webhook's URL, a credential (a chat webhook's URL is all it takes to post
    /// there): every read-scope key could list them with one query. It is neither readable nor listed, however named.</summary>
    [Theory]
    [InlineData("SELECT webhook FROM alert_deliveries")]
    [InlineData("SELECT * FROM \"ALERT_DELIVERIES\"")]
    [InlineData("SELECT count(*) FROM categories WHERE id IN (SELECT 1 FROM alert_deliveries)")]
    public async Task The_alert_outbox_and_its_webhook_urls_are_out_of_reach(string sql)
    {
        await Warehouse.ExecuteAsync("CREATE TABLE IF NOT EXISTS alert_deliveries (alert_id VARCHAR, webhook VARCHAR)", CancellationToken.None);
        await Warehouse.ExecuteAsync("DELETE FROM alert_deliveries", CancellationToken.None);
        await Warehouse.ExecuteAsync("INSERT INTO alert_deliveries VALUES ('a1', 'https://hooks.example.com/services/T0/B0/s3cr3t')", CancellationToken.None);

        var e = await Assert.ThrowsAsync<QueryRejectedException>(() => Query(sql));
        Assert.True(e.Refused, e.Message);
        Assert.Contains("alert_deliveries", e.Message, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("alert_deliveries", (await WarehouseRelations.ListAsync(Warehouse, CancellationToken.None)).Select(r => r.Name));
    }

    /// <summary>The processor's offsets and ingest's claims are bookkeeping the API gives in its own words; the
    /// explorer neither lists nor reads them (PostgreSQL's reader role has no grant on them either).</summary>
    [Theory]
    [InlineData("_emporium_offsets")]
    [InlineData("_EMPORIUM_INGEST_CLAIMS")]
    public async Task The_warehouses_bookkeeping_tables_are_neither_listed_nor_read(string table)
    {
        var e = await Assert.ThrowsAsync<QueryRejectedException>(() => Query($"SELECT * FROM \"{table.ToLowerInvariant()}\""));
        Assert.True(e.Refused, e.Message);
        Assert.Contains("bookkeeping", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain((await WarehouseRelations.ListAsync(Warehouse, CancellationToken.None)).Select(r => r.Name),
            name => string.Equals(name, table, StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>Both engines take a statement's text as a C string, which a NUL character ends: the text checked and
    /// the text run must not differ, and the caller hears why, as for any query the warehouse cannot take.</summary>
    [Theory]
    [InlineData("SELECT 1 AS a\0, 2 AS b")]
    [InlineData("SELECT 'x\0' AS a")]
    [InlineData("SELECT 1 AS a -- \0\nFROM categories")]
    public async Task A_query_holding_a_NUL_character_is_refused_with_a_reason(string sql)
    {
        var e = await Assert.ThrowsAsync<QueryRejectedException>(() => Query(sql));
        Assert.Contains("NUL", e.Message, StringComparison.Ordinal);
        await AssertIntact();
    }

    [Fact]
    public async Task Errors_carry_the_engines_message()
    {
        var e = await Assert.ThrowsAsync<QueryRejectedException>(() => Query("SELECT no_such_column FROM categories"));
        Assert.Contains("no_such_column", e.Message, StringComparison.Ordinal);
        var syntax = await Assert.ThrowsAsync<QueryRejectedException>(() => Query("SELECT (1 + FROM categories"));
        Assert.Contains("syntax", syntax.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task A_runaway_query_is_interrupted_at_the_time_limit()
    {
        await using var limited = await OpenWithQueryLimitAsync(RunawayLimit);
        var e = await Assert.ThrowsAsync<QueryRejectedException>(() => limited.QueryReadOnlyAsync(RunawayQuery, 1000, CancellationToken.None));
        Assert.Equal($"query cancelled after the {RunawayLimit.TotalSeconds:0.#} s time limit", e.Message);
        await AssertIntact(limited);
    }
}
