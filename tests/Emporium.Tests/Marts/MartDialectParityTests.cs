using System.Text.Json;
using Emporium.Cli.Web;
using Emporium.Datasets;
using Emporium.Log;
using Emporium.Marts;
using Emporium.Sources;
using Emporium.Sources.SellerCatalog;
using Emporium.Tests.Datasets;
using Emporium.Tests.Orchestration.Dags;
using Emporium.Tests.TestSupport;
using Emporium.Warehouse;
using Emporium.Warehouse.DuckDb;
using Emporium.Warehouse.Postgres;
using Npgsql;

namespace Emporium.Tests.Marts;

/// <summary>Every mart, rendered from its one definition into each dialect, gives the same answer on DuckDB and on a
/// real PostgreSQL 15 when both hold the real samples loaded through the same normalizer, cleaners and commit path.</summary>
[Collection(PostgresCollection.Name)]
public sealed class MartDialectParityTests(PostgresServer server) : IAsyncLifetime
{
    private readonly TempDir _dir = new("parity");
    private const string ServerTimeZone = "Pacific/Kiritimati";

    /// <summary>Late orders written with and without an offset (invoice, invoice date, the UTC day they belong to):
    /// near midnight a session time zone of UTC+14 would move them to another day.</summary>
    private static readonly (string Invoice, string Date, string Day)[] LateOrders =
    [
        ("TZ1", "2010-12-01 23:30:00", "2010-12-01"),
        ("TZ2", "2010-12-01T23:30:00-05:00", "2010-12-02"),
        ("TZ3", "2010-12-02T00:30:00+02:00", "2010-12-01"),
    ];

    private DuckDbWarehouse _duck = null!;
    private PostgresWarehouse _pg = null!;
    private Dictionary<string, int> _loaded = [];

    public async Task InitializeAsync()
    {
        _duck = new DuckDbWarehouse(new DuckDbWarehouseOptions { Path = _dir.Combine("w.duckdb") });
        // A linguistic default collation (ICU en-US, as a server initdb'd with en_US has) and a session time zone far
        // from UTC: the order of text ties, timestamps and the dates cut from them must depend on neither.
        var database = await server.CreateDatabaseAsync("parity", "en-US");
        await using (var connection = new NpgsqlConnection(database))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand($"ALTER DATABASE \"{connection.Database}\" SET timezone TO '{ServerTimeZone}'", connection);
            await command.ExecuteNonQueryAsync();
        }
        _pg = new PostgresWarehouse(new PostgresWarehouseOptions { ConnectionString = database });
        var batch = SampleBatch();
        _loaded = batch.Rows.GroupBy(r => r.Schema.Name).ToDictionary(g => g.Key, g => g.Sum(r => r.Records.Count));
        foreach (var warehouse in new IWarehouse[] { _duck, _pg })
        {
            await warehouse.InitializeAsync([.. DatasetCatalog.All, .. SeedDatasets.All], CancellationToken.None);
            await warehouse.CommitAsync(batch, CancellationToken.None);
        }
    }

    public async Task DisposeAsync()
    {
        await _duck.DisposeAsync();
        await _pg.DisposeAsync();
        _dir.Dispose();
    }

    private static WarehouseBatch SampleBatch()
    {
        var normalizer = RecordNormalizer.Instance;
        List<CanonicalRecord> Valid(DatasetSchema schema, IEnumerable<NormalizeResult> results) =>
            results.Where(r => r.IsValid).Select(r => r.Record!).ToList();
        // Seed 002's marts: the real captured search response cleaned as the seller_catalog DAG cleans it, for two
        // sellers, one of them on two days (the marts read each seller's latest day), and the distributors' file of the
        // DAG tests; seed 004's metric: the real behaviour metrics export on two days.
        var response = File.ReadAllBytes(SampleData.SellerSearchResponse);
        var snapshots = new[] { ("seller-a", new DateOnly(2024, 9, 15)), ("seller-a", new DateOnly(2024, 9, 16)), ("seller-b", new DateOnly(2024, 9, 16)) };
        var offers = snapshots.Select(s => (Seller: s.Item1, Day: s.Item2, Rows: SellerOfferCleaner.Clean(s.Item1, s.Item2, [(1, response)]).Rows)).ToList();
        var metrics = SampleRows.Csv(SampleData.BehaviourMetrics).Select((r, i) => normalizer.Normalize(SeedDatasets.UserBehaviorMetric, new Dictionary<string, string?>
        {
            ["customer_id"] = r["customer_id"], ["amount_spent"] = r["amount_spent"], ["review_score"] = r["num_positive_reviews"],
            ["review_count"] = r["num_reviews"], ["insert_date"] = i % 2 == 0 ? "2024-09-15" : "2024-09-16",
        }));
        return new WarehouseBatch(
        [
            new(DatasetCatalog.Categories, Valid(DatasetCatalog.Categories, SampleRows.Csv(SampleData.CategoriesCsv).Select(r => normalizer.Normalize(DatasetCatalog.Categories, r))), "sample:categories"),
            new(DatasetCatalog.Products, Valid(DatasetCatalog.Products, SampleRows.Csv(SampleData.ProductsCsv).Select(r => normalizer.Normalize(DatasetCatalog.Products, r))), "sample:products"),
            new(DatasetCatalog.Reviews, Valid(DatasetCatalog.Reviews, SampleRows.JsonLines(SampleData.McAuleyReviews).Select(e => normalizer.Normalize(DatasetCatalog.Reviews, e))), "sample:reviews"),
            new(DatasetCatalog.Orders, Valid(DatasetCatalog.Orders, SampleRows.Csv(SampleData.OnlineRetail).Select(r => normalizer.Normalize(DatasetCatalog.Orders, r))), "sample:orders"),
            new(DatasetCatalog.Orders, Valid(DatasetCatalog.Orders, LateOrders.Select(o => normalizer.Normalize(DatasetCatalog.Orders, new Dictionary<string, string?>
            {
                ["InvoiceNo"] = o.Invoice, ["StockCode"] = "LATE", ["Description"] = "late order", ["Quantity"] = "1", ["InvoiceDate"] = o.Date,
                ["UnitPrice"] = "2.5", ["CustomerID"] = "99999", ["Country"] = " ÉIRE ",
            }))), "test:late_orders"),
            new(SeedDatasets.SellerOffers, offers.SelectMany(o => o.Rows).ToList(), "sample:seller_offers"),
            new(SeedDatasets.SellerSnapshots, Valid(SeedDatasets.SellerSnapshots, offers.Select(o => normalizer.Normalize(SeedDatasets.SellerSnapshots, new Dictionary<string, string?>
            {
                ["seller_id"] = o.Seller, ["snapshot_date"] = o.Day.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), ["offers"] = $"{o.Rows.Count}",
            }))), "sample:seller_snapshots"),
            new(SeedDatasets.SupplierProducts, Valid(SeedDatasets.SupplierProducts, SellerCatalogDagTests.Suppliers.Select(p => normalizer.Normalize(SeedDatasets.SupplierProducts, new Dictionary<string, string?>
            {
                ["asin"] = p.Asin, ["distributor"] = p.Distributor, ["cost"] = p.Cost.ToString(System.Globalization.CultureInfo.InvariantCulture), ["stock"] = $"{p.Stock}",
            }))), "sample:supplier_products"),
            new(SeedDatasets.UserBehaviorMetric, Valid(SeedDatasets.UserBehaviorMetric, metrics), "sample:user_behavior_metric"),
        ], "parity", new Dictionary<TopicPartition, long>());
    }

    public static TheoryData<string> Marts()
    {
        var data = new TheoryData<string>();
        foreach (var mart in MartCatalog.All)
        {
            data.Add(mart.Name);
        }
        return data;
    }

    [Fact]
    public void Every_sample_dataset_was_loaded()
    {
        Assert.All(DatasetCatalog.All, s => Assert.True(_loaded[s.Name] > 100, $"{s.Name}: {_loaded[s.Name]} rows"));
        Assert.All(new[] { SeedDatasets.SellerOffers, SeedDatasets.SellerSnapshots, SeedDatasets.SupplierProducts, SeedDatasets.UserBehaviorMetric },
            s => Assert.True(_loaded[s.Name] > 2, $"{s.Name}: {_loaded[s.Name]} rows"));
    }

    /// <summary>Timestamps are UTC wall-clock times on both warehouses, so the day of a late order is its UTC day on
    /// PostgreSQL whatever the session's time zone; a non-ASCII country is lower-cased and trimmed alike.</summary>
    [Fact]
    public async Task Late_orders_fall_on_their_utc_day_whatever_the_postgres_session_time_zone()
    {
        var zone = await _pg.QueryAsync("SELECT current_setting('TimeZone')", CancellationToken.None);
        Assert.Equal(ServerTimeZone, zone.Rows[0][0]);
        const string Sql = "SELECT sales_date, country FROM clean_orders WHERE stock_code = 'LATE' ORDER BY sales_date";
        var expected = LateOrders.Select(o => $"{o.Day} | éire").Order(StringComparer.Ordinal).ToList();

        Assert.Equal(expected, MartRowText.Rows(await _duck.QueryAsync(Sql, CancellationToken.None)));
        Assert.Equal(expected, MartRowText.Rows(await _pg.QueryAsync(Sql, CancellationToken.None)));
    }

    public static TheoryData<string, int?> MartsAndLimits()
    {
        var data = new TheoryData<string, int?>();
        foreach (var name in Marts())
        {
            data.Add(name, null);
            data.Add(name, MartService.MaxLimit);
        }
        return data;
    }

    /// <summary>What the HTTP API answers, compared as its JSON: the same columns with the same declared types, the
    /// same rows in the same order (the presentation order breaks every tie), every value spelled the same to the last
    /// digit of a double.</summary>
    [Theory]
    [MemberData(nameof(MartsAndLimits))]
    public async Task A_mart_gives_the_same_answer_on_duckdb_and_postgres(string name, int? limit)
    {
        var duck = await new MartService(_duck).QueryAsync(name, limit, CancellationToken.None);
        var pg = await new MartService(_pg).QueryAsync(name, limit, CancellationToken.None);

        Assert.NotEmpty(duck.Rows);
        Assert.Equal(duck.Columns, pg.Columns);
        Assert.Equal(duck.Truncated, pg.Truncated);
        Assert.Equal(Json(duck), Json(pg));
    }

    private static List<string> Json(QueryResult result) =>
        result.Rows.Select(r => JsonSerializer.Serialize(r, ResultJson.Options)).ToList();

    /// <summary>The statements the dashboard sends through the query API (web/src/pages: the Sales page's daily line,
    /// filtered tables and country list, the Reviews page's sentiment, the Customers page's days, day and lookup, the
    /// Products and Sellers pages' lookups), spelt as the pages spell them over the samples' days, countries and keys.</summary>
    public static TheoryData<string> DashboardQueries()
    {
        const string Exact = "CAST(ROUND(SUM(quantity * CASE WHEN ABS(unit_price) < 1e9 AND unit_price * 1e6 = ROUND(unit_price * 1e6) THEN CAST(unit_price AS DECIMAL(38, 6)) WHEN ABS(unit_price) < 1e12 THEN CAST(CAST(CAST(unit_price AS VARCHAR) AS DECIMAL(18, 6)) AS DECIMAL(38, 6)) ELSE CAST(CAST(unit_price AS VARCHAR) AS DECIMAL(38, 6)) END), 2) AS DOUBLE PRECISION) AS total_sales";
        const string Days = "WHERE CAST(sales_date AS DATE) >= DATE '2010-12-01' AND CAST(sales_date AS DATE) <= DATE '2010-12-02'";
        const string Country = Days + " AND country = 'united kingdom'";
        const string Behaviour = "user_behavior_metric";
        return new TheoryData<string>
        {
            "SELECT sales_date, CAST(ROUND(SUM(CASE WHEN ABS(total_sales) < 1e9 AND total_sales * 1e6 = ROUND(total_sales * 1e6) THEN CAST(total_sales AS DECIMAL(38, 6)) WHEN ABS(total_sales) < 1e12 THEN CAST(CAST(CAST(total_sales AS VARCHAR) AS DECIMAL(18, 6)) AS DECIMAL(38, 6)) ELSE CAST(CAST(total_sales AS VARCHAR) AS DECIMAL(38, 6)) END), 2) AS DOUBLE PRECISION) AS total_sales FROM daily_sales GROUP BY sales_date ORDER BY sales_date",
            $"SELECT sales_date, CAST(ROUND(SUM(CASE WHEN ABS(total_sales) < 1e9 AND total_sales * 1e6 = ROUND(total_sales * 1e6) THEN CAST(total_sales AS DECIMAL(38, 6)) WHEN ABS(total_sales) < 1e12 THEN CAST(CAST(CAST(total_sales AS VARCHAR) AS DECIMAL(18, 6)) AS DECIMAL(38, 6)) ELSE CAST(CAST(total_sales AS VARCHAR) AS DECIMAL(38, 6)) END), 2) AS DOUBLE PRECISION) AS total_sales FROM daily_sales {Days} GROUP BY sales_date ORDER BY sales_date",
            $"SELECT country, {Exact} FROM clean_orders {Days} GROUP BY country ORDER BY total_sales DESC, country COLLATE \"C\" LIMIT 10",
            $"SELECT stock_code, SUM(quantity) AS total_quantity FROM clean_orders {Days} GROUP BY stock_code ORDER BY total_quantity DESC, stock_code COLLATE \"C\" LIMIT 10",
            $"SELECT customer_id, {Exact} FROM clean_orders {Country} GROUP BY customer_id ORDER BY total_sales DESC, customer_id LIMIT 10",
            "SELECT country FROM daily_sales WHERE country IS NOT NULL GROUP BY country ORDER BY country COLLATE \"C\"",
            "SELECT CAST(date_trunc('month', reviewed_at) AS DATE) AS month, COUNT(*) FILTER (WHERE rating >= 4) AS positive, COUNT(*) FILTER (WHERE rating = 3) AS neutral, COUNT(*) FILTER (WHERE rating <= 2) AS negative FROM reviews WHERE reviewed_at IS NOT NULL GROUP BY 1 ORDER BY 1",
            $"SELECT DISTINCT CAST(insert_date AS DATE) AS ds FROM {Behaviour} ORDER BY ds DESC",
            $"SELECT * FROM {Behaviour} WHERE CAST(insert_date AS DATE) = DATE '2024-09-16' ORDER BY amount_spent DESC NULLS LAST, customer_id LIMIT 20",
            $"SELECT * FROM {Behaviour} WHERE customer_id = (SELECT MIN(customer_id) FROM {Behaviour}) ORDER BY insert_date DESC",
            "SELECT p.*, c.category_name FROM products p LEFT JOIN categories c ON c.id = p.category_id WHERE p.asin = 'B014TMV5YE'",
            "SELECT p.asin, p.title, p.price, p.stars, p.reviews, c.category_name FROM products p LEFT JOIN categories c ON c.id = p.category_id " +
                "WHERE p.category_id = 104 ORDER BY p.reviews DESC NULLS LAST, p.asin COLLATE \"C\" LIMIT 100",
            "SELECT distributor, seller_id, product_price, cost, margin, stock, snapshot_date FROM asin_matches WHERE asin = 'B00DOSJ1S2' ORDER BY margin DESC NULLS LAST, distributor COLLATE \"C\"",
        };
    }

    /// <summary>A dashboard query answers alike on both warehouses as the query API writes it: the same column names,
    /// the same rows in the same order, every value spelt the same.</summary>
    [Theory]
    [MemberData(nameof(DashboardQueries))]
    public async Task A_dashboard_query_gives_the_same_answer_on_duckdb_and_postgres(string sql)
    {
        var duck = await _duck.QueryReadOnlyAsync(sql, 1000, CancellationToken.None);
        var pg = await _pg.QueryReadOnlyAsync(sql, 1000, CancellationToken.None);

        Assert.NotEmpty(duck.Rows);
        Assert.Equal(duck.Columns.Select(c => c.Name), pg.Columns.Select(c => c.Name));
        Assert.Equal(Json(WithoutLoadTimes(duck)), Json(WithoutLoadTimes(pg)));
    }

    /// <summary>The rows without their <c>_loaded_at</c> (a <c>SELECT *</c> of a table has it): each warehouse stamps
    /// the moment it committed the batch.</summary>
    private static QueryResult WithoutLoadTimes(QueryResult result)
    {
        var loaded = result.Columns.Select((c, i) => (c, i)).Where(x => x.c.Name == "_loaded_at").Select(x => x.i).ToHashSet();
        return result with { Rows = result.Rows.Select(r => r.Select((v, i) => loaded.Contains(i) ? null : v).ToArray()).ToList() };
    }
}
