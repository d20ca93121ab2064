using Emporium.Datasets;
using Emporium.Log;
using Emporium.Marts;
using Emporium.Sources;
using Emporium.Tests.TestSupport;
using Emporium.Warehouse;
using Emporium.Warehouse.DuckDb;
using Emporium.Warehouse.Postgres;

namespace Emporium.Tests.Marts;

/// <summary>A mart gives the same rows in the same order on DuckDB, which compares text by its bytes, and on a
/// PostgreSQL database whose default collation is linguistic (en-US: case and punctuation count only after the
/// letters, so <c>b-1</c> sorts before <c>B2</c> and <c>_x</c> first). The rows tie on every number so only the text
/// keys order them.</summary>
[Collection(PostgresCollection.Name)]
public sealed class MartTextOrderTests(PostgresServer server) : IAsyncLifetime
{
    /// <summary>By bytes upper case comes before lower, punctuation between, accented letters last; en-US orders by the
    /// letters first, so the two disagree even once the countries are lower-cased (<c>éclair</c> before <c>f-1</c>).</summary>
    private static readonly string[] Texts = ["B2", "_x", "a 3", "b-1", "85123A", "85123a", "éclair", "f-1", "Zed", "zed"];

    private readonly TempDir _dir = new("text-order");
    private DuckDbWarehouse _duck = null!;
    private PostgresWarehouse _pg = null!;

    public async Task InitializeAsync()
    {
        _duck = new DuckDbWarehouse(new DuckDbWarehouseOptions { Path = _dir.Combine("w.duckdb") });
        _pg = new PostgresWarehouse(new PostgresWarehouseOptions { ConnectionString = await server.CreateDatabaseAsync("textorder", "en-US") });
        IReadOnlyList<DatasetSchema> datasets = [.. DatasetCatalog.All, .. SeedDatasets.All];
        var batch = new WarehouseBatch(
        [
            Rows(DatasetCatalog.Categories, Texts.Select((t, i) => Row(("id", $"{i + 1}"), ("category_name", t)))),
            // Every third product has no list price (0 means none), for the null order of a descending key.
            Rows(DatasetCatalog.Products, Texts.Select((t, i) => Row(("asin", t), ("title", t), ("price", "10"), ("list_price", i % 3 == 0 ? "0" : $"{i % 2 + 11}"), ("category_id", $"{i + 1}")))),
            Rows(DatasetCatalog.Orders, Texts.Select((t, i) => Row(
                ("InvoiceNo", $"5{i}"), ("StockCode", t), ("Description", "mug"), ("Quantity", "5"), ("InvoiceDate", "2024-01-02 10:00:00"),
                ("UnitPrice", "2"), ("CustomerID", $"{17000 + i}"), ("Country", t)))),
            Rows(DatasetCatalog.Reviews, Texts.Select(t => Row(("review_id", $"r-{t}"), ("asin", t), ("rating", "4")))),
            Rows(SeedDatasets.SellerOffers, Texts.Select(t => Row(("seller_id", t), ("asin", t), ("sales_volume", "100"), ("snapshot_date", "2024-01-02")))),
            Rows(SeedDatasets.SellerSnapshots, Texts.Select(t => Row(("seller_id", t), ("snapshot_date", "2024-01-02"), ("offers", "1")))),
            Rows(SeedDatasets.SupplierProducts, Texts.Select(t => Row(("asin", t), ("distributor", t), ("cost", "1"), ("stock", "3")))),
        ], "text-order", new Dictionary<TopicPartition, long>());
        foreach (var warehouse in new IWarehouse[] { _duck, _pg })
        {
            await warehouse.InitializeAsync(datasets, CancellationToken.None);
            await warehouse.CommitAsync(batch, CancellationToken.None);
        }
    }

    public async Task DisposeAsync()
    {
        await _duck.DisposeAsync();
        await _pg.DisposeAsync();
        _dir.Dispose();
    }

    public static TheoryData<string> TextOrderedMarts()
    {
        var data = new TheoryData<string>();
        foreach (var mart in MartCatalog.All.Where(m => !m.BackedByTable && m.Columns.Any(c => c.Type == "varchar")))
        {
            data.Add(mart.Name);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(TextOrderedMarts))]
    public async Task A_mart_orders_its_text_keys_alike_on_duckdb_and_on_a_linguistic_postgres_database(string name)
    {
        var duck = await new MartService(_duck).QueryAsync(name, MartService.MaxLimit, CancellationToken.None);
        var pg = await new MartService(_pg).QueryAsync(name, MartService.MaxLimit, CancellationToken.None);

        Assert.True(duck.Rows.Count > 1, $"{name}: {duck.Rows.Count} row(s)");
        Assert.Equal(MartRowText.Rows(duck), MartRowText.Rows(pg));
    }

    /// <summary>A mart whose descending sort key can be null lists those rows last on both warehouses: PostgreSQL puts
    /// nulls first in a descending sort unless told otherwise, DuckDB last. The products table stands in for such a
    /// mart (read as a table-backed one), its missing list prices for the nulls.</summary>
    [Fact]
    public async Task A_nullable_descending_key_lists_its_nulls_last_on_both_warehouses()
    {
        var mart = new MartDefinition("products", "test", [new("asin", "varchar"), new("list_price", "double")], ["products"], _ => "",
            "list_price DESC, asin", null, BackedByTable: true);
        var duck = await _duck.QueryAsync(mart.ReadSql(SqlDialect.DuckDb, null), CancellationToken.None);
        var pg = await _pg.QueryAsync(mart.ReadSql(SqlDialect.Postgres, null), CancellationToken.None);

        Assert.Contains(duck.Rows, r => r[1] is null);
        Assert.Null(duck.Rows[^1][1]);
        Assert.Equal(MartRowText.Rows(duck), MartRowText.Rows(pg));
    }

    /// <summary>How the dashboard sorts a text tie-break in the SQL it sends itself (<c>byteOrder</c> in web/src/api.ts).</summary>
    private const string ByteOrder = " COLLATE \"C\"";

    /// <summary>The statements the dashboard's Sales page sends through the SQL explorer's endpoint (its filtered
    /// tables and its country list), whose rows tie on every number: they list their text ties alike on both warehouses,
    /// and the read-only guard of each lets the collation through.</summary>
    [Theory]
    [InlineData("SELECT country, CAST(ROUND(SUM(quantity * CASE WHEN ABS(unit_price) < 1e9 AND unit_price * 1e6 = ROUND(unit_price * 1e6) THEN CAST(unit_price AS DECIMAL(38, 6)) WHEN ABS(unit_price) < 1e12 THEN CAST(CAST(CAST(unit_price AS VARCHAR) AS DECIMAL(18, 6)) AS DECIMAL(38, 6)) ELSE CAST(CAST(unit_price AS VARCHAR) AS DECIMAL(38, 6)) END), 2) AS DOUBLE PRECISION) AS total_sales FROM clean_orders GROUP BY country ORDER BY total_sales DESC, country" + ByteOrder + " LIMIT 10")]
    [InlineData("SELECT stock_code, SUM(quantity) AS total_quantity FROM clean_orders GROUP BY stock_code ORDER BY total_quantity DESC, stock_code" + ByteOrder + " LIMIT 10")]
    // GROUP BY, not DISTINCT: PostgreSQL refuses an ORDER BY expression (the collation) outside a DISTINCT's select list.
    [InlineData("SELECT country FROM daily_sales WHERE country IS NOT NULL GROUP BY country ORDER BY country" + ByteOrder)]
    public async Task The_dashboards_own_queries_order_text_ties_alike_on_both_warehouses(string sql)
    {
        var duck = await _duck.QueryReadOnlyAsync(sql, 100, CancellationToken.None);
        var pg = await _pg.QueryReadOnlyAsync(sql, 100, CancellationToken.None);

        Assert.True(duck.Rows.Count > 1, $"{duck.Rows.Count} row(s)");
        Assert.Equal(MartRowText.Rows(duck), MartRowText.Rows(pg));
    }

    [Fact]
    public async Task The_database_really_sorts_text_linguistically()
    {
        var sorted = await _pg.QueryAsync("SELECT t FROM (VALUES ('B2'), ('b-1')) AS v(t) ORDER BY t", CancellationToken.None);

        Assert.Equal(["b-1", "B2"], sorted.Rows.Select(r => (string)r[0]!));
    }

    private static DatasetRows Rows(DatasetSchema schema, IEnumerable<Dictionary<string, string?>> rows) => NormalizedRows.Of(schema, "test:text-order", rows);

    private static Dictionary<string, string?> Row(params (string Field, string Value)[] fields) => NormalizedRows.Row(fields);
}
