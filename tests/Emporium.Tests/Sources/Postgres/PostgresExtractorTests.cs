using Emporium.Lake.Local;
using Emporium.Sources;
using Emporium.Sources.Postgres;
using Emporium.Tests.TestSupport;
using Npgsql;
using Sylvan.Data.Csv;

namespace Emporium.Tests.Sources.Postgres;

[Collection(PostgresCollection.Name)]
public sealed class PostgresExtractorTests(PostgresServer server)
{
    [Fact]
    public async Task Extracts_only_the_rows_of_ds_and_rerun_replaces_the_day()
    {
        var db = await server.CreateDatabaseAsync("extract");
        await UserPurchaseTable.LoadSampleAsync(db);
        // Another day in the same table, so the date filter has something to exclude.
        await Exec(db, "INSERT INTO retail.user_purchase SELECT invoice_number, stock_code, detail, quantity, invoice_date + interval '1 day', unit_price, customer_id, country FROM retail.user_purchase WHERE customer_id = 13090");
        using var dir = new TempDir("pg-extract");
        var lake = new LocalLakeStore(dir.Path);
        var extractor = new PostgresExtractor(lake);
        var options = new PostgresSourceOptions { ConnectionString = db };
        var ds = new DateOnly(2010, 12, 2);

        var first = await extractor.ExtractAsync(options, ds, CancellationToken.None);
        var second = await extractor.ExtractAsync(options, ds, CancellationToken.None);

        Assert.Equal("stage/user_purchase/ds=2010-12-02/user_purchase.csv", second.Path);
        var sampleRows = ReadCsv(SampleData.UserPurchase);
        var staged = ReadCsv(lake.Resolve(second.Path));
        Assert.Equal(sampleRows.Count, first.Rows);
        Assert.Equal(sampleRows.Count, second.Rows);
        Assert.Equal(sampleRows.Count, staged.Count);
        // Same multiset of (invoice, stock code, quantity, customer) as the source export.
        Assert.Equal(
            sampleRows.Select(r => $"{r["invoice_number"]}|{r["stock_code"]}|{r["quantity"]}|{r["customer_id"]}|{r["detail"]}").Order(),
            staged.Select(r => $"{r["invoice_number"]}|{r["stock_code"]}|{r["quantity"]}|{r["customer_id"]}|{r["detail"]}").Order());
        var files = new List<string>();
        await foreach (var o in lake.ListAsync(StageZone.Folder("user_purchase", ds), CancellationToken.None))
        {
            files.Add(o.Path);
        }
        Assert.Equal([second.Path], files);
    }

    /// <summary>The docs offer <c>postgres://user:pass@…</c> for <c>pg_connection</c> as the warehouse takes it, but
    /// the extractor handed it to Npgsql as a connection string: with a query string its whole text up to the first
    /// '=' came back as the unknown keyword, password and all, in the task's error.</summary>
    [Fact]
    public async Task A_postgres_address_is_taken_as_the_warehouse_takes_it()
    {
        var db = await server.CreateDatabaseAsync("extracturi");
        await UserPurchaseTable.LoadSampleAsync(db);
        using var dir = new TempDir("pg-extract-uri");
        var lake = new LocalLakeStore(dir.Path);
        var options = new PostgresSourceOptions { ConnectionString = server.AddressFor(db) + "?sslmode=disable" };

        var result = await new PostgresExtractor(lake).ExtractAsync(options, new DateOnly(2010, 12, 2), CancellationToken.None);

        Assert.Equal(ReadCsv(SampleData.UserPurchase).Count, result.Rows);
    }

    [Theory]
    [InlineData("postgres://app:s3cr3t@127.0.0.1:1/shop?sslmode=disable&bogus=1", "'postgres://app:***@127.0.0.1:1/shop?sslmode=disable&bogus=1': query parameter 'bogus' is not an Npgsql connection-string keyword")]
    [InlineData("postgres://app:s3cr3t@/shop", "'postgres://app:***@/shop'")]
    [InlineData("Host=127.0.0.1;Username=app;Password=s3cr3t;Bogus=1", "unknown keyword 'bogus'")]
    [InlineData("app:s3cr3t@127.0.0.1/shop?sslmode=disable", "not an Npgsql connection string")]
    [InlineData("Host=127.0.0.1;Password='s3cr3t", "not an Npgsql connection string")]
    [InlineData("host=127.0.0.1 port=1 user=app password=s3cr3t dbname=shop", "not an Npgsql connection string")]
    public async Task A_connection_string_the_extractor_cannot_use_is_refused_without_its_password(string connection, string reason)
    {
        using var dir = new TempDir("pg-extract-bad");
        var options = new PostgresSourceOptions { ConnectionString = connection };

        var e = await Assert.ThrowsAsync<ArgumentException>(() => new PostgresExtractor(new LocalLakeStore(dir.Path)).ExtractAsync(options, new DateOnly(2010, 12, 2), CancellationToken.None));

        Assert.DoesNotContain("s3cr3t", e.ToString(), StringComparison.Ordinal);
        Assert.Contains(reason, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_server_that_does_not_answer_is_named_without_the_password()
    {
        using var dir = new TempDir("pg-extract-down");
        var options = new PostgresSourceOptions { ConnectionString = "Host=127.0.0.1;Port=1;Username=app;Password=s3cr3t;Database=shop;Timeout=2" };

        var e = await Assert.ThrowsAnyAsync<Exception>(() => new PostgresExtractor(new LocalLakeStore(dir.Path)).ExtractAsync(options, new DateOnly(2010, 12, 2), CancellationToken.None));

        Assert.DoesNotContain("s3cr3t", e.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_query_with_the_ds_token_is_extracted()
    {
        var db = await server.CreateDatabaseAsync("extractq");
        await UserPurchaseTable.LoadSampleAsync(db);
        using var dir = new TempDir("pg-extract-q");
        var lake = new LocalLakeStore(dir.Path);
        var options = new PostgresSourceOptions
        {
            ConnectionString = db,
            Query = "SELECT customer_id, quantity * unit_price AS amount FROM retail.user_purchase WHERE quantity > 10 AND CAST(invoice_date AS date) = {ds}",
        };

        var result = await new PostgresExtractor(lake).ExtractAsync(options, new DateOnly(2010, 12, 2), CancellationToken.None);

        var expected = ReadCsv(SampleData.UserPurchase).Count(r => long.Parse(r["quantity"]!) > 10);
        Assert.Equal(expected, result.Rows);
        Assert.Equal(0, (await new PostgresExtractor(lake).ExtractAsync(options, new DateOnly(2011, 1, 1), CancellationToken.None)).Rows);
    }

    [Fact]
    public void Table_names_that_are_not_identifiers_are_refused()
    {
        var options = new PostgresSourceOptions { ConnectionString = "Host=x", Table = "retail.user_purchase; DROP TABLE x" };
        var error = Assert.Throws<ArgumentException>(() => PostgresExtractor.BuildSelect(options, new DateOnly(2010, 12, 2)));
        Assert.Contains("identifier", error.Message);
    }

    [Fact]
    public async Task A_timestamptz_column_is_cut_at_utc_midnight_whatever_the_server_time_zone()
    {
        var db = await server.CreateDatabaseAsync("extract_tz");
        await UserPurchaseTable.LoadSampleAsync(db);
        var database = new NpgsqlConnectionStringBuilder(db).Database;
        // A server (or database) whose time zone is not UTC, and a timestamptz column holding the sample's UTC times.
        await Exec(db, $"""
            SET TIME ZONE 'UTC';
            ALTER TABLE retail.user_purchase ALTER COLUMN invoice_date TYPE timestamptz USING invoice_date AT TIME ZONE 'UTC';
            ALTER DATABASE "{database}" SET timezone TO 'America/New_York';
            """);
        // 02:00 UTC on the next day is still 2010-12-02 in New York.
        await Exec(db, "INSERT INTO retail.user_purchase VALUES ('999999', '85123A', 'AFTER UTC MIDNIGHT', 6, TIMESTAMPTZ '2010-12-03 02:00:00+00', 2.55, 17850, 'United Kingdom')");
        using var dir = new TempDir("pg-extract-tz");
        var extractor = new PostgresExtractor(new LocalLakeStore(dir.Path));
        var options = new PostgresSourceOptions { ConnectionString = db };

        var day = await extractor.ExtractAsync(options, new DateOnly(2010, 12, 2), CancellationToken.None);
        var next = await extractor.ExtractAsync(options, new DateOnly(2010, 12, 3), CancellationToken.None);

        // Every sample line is of 2010-12-02 in UTC (the export's times); the extra line is of the 3rd, as Emporium's
        // own timestamps (stored in UTC) and the orders source cut days.
        var sample = ReadCsv(SampleData.UserPurchase);
        Assert.All(sample, r => Assert.StartsWith("2010-12-02 ", r["invoice_date"], StringComparison.Ordinal));
        Assert.Equal(sample.Count, day.Rows);
        Assert.Equal(1, next.Rows);
        Assert.Equal(["999999"], ReadCsv(new LocalLakeStore(dir.Path).Resolve(next.Path)).Select(r => r["invoice_number"]));
    }

    internal static List<Dictionary<string, string?>> ReadCsv(string path)
    {
        using var reader = CsvDataReader.Create(path);
        var rows = new List<Dictionary<string, string?>>();
        while (reader.Read())
        {
            var row = new Dictionary<string, string?>();
            for (var i = 0; i < reader.FieldCount; i++)
            {
                row[reader.GetName(i)] = reader.IsDBNull(i) ? null : reader.GetString(i);
            }
            rows.Add(row);
        }
        return rows;
    }

    private static async Task Exec(string db, string sql)
    {
        await using var conn = new NpgsqlConnection(db);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, conn);
        await cmd.ExecuteNonQueryAsync();
    }
}
