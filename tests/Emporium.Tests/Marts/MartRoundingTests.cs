using Emporium.Datasets;
using Emporium.Log;
using Emporium.Marts;
using Emporium.Sources;
using Emporium.Tests.TestSupport;
using Emporium.Warehouse;
using Emporium.Warehouse.DuckDb;
using Emporium.Warehouse.Postgres;

namespace Emporium.Tests.Marts;

/// <summary>The money marts round the decimal amount the source wrote, half away from zero, on every warehouse. The
/// prices are written in decimal but stored as doubles, and a double amount such as 1.005 is really
/// 1.00499999999999989…: rounded as a double (DuckDB's <c>ROUND(DOUBLE, 2)</c>) it gave 1.00, while PostgreSQL, which
/// rounds through <c>numeric</c>, gave 1.01, so the same orders showed other totals on each warehouse.</summary>
[Collection(PostgresCollection.Name)]
public sealed class MartRoundingTests(PostgresServer server) : IAsyncLifetime
{
    /// <summary>Order lines (customer, quantity, unit price as the source wrote it) whose amounts end in a 5 at the
    /// third decimal and whose doubles lie below it, so rounding the double misses the half-way rule; and large ones a
    /// double holds to their last digit, whose decimal was cut short: PostgreSQL's cast of a double to <c>numeric</c>
    /// keeps 15 significant digits (1000000000.004999 became …005000, a cent more) and DuckDB's scales the double by
    /// 10^6 as a double (99587666899.465 became …464992, a cent less).</summary>
    private static readonly (long Customer, long Quantity, string UnitPrice)[] Lines =
    [
        (17001, 1, "1.005"), (17002, 1, "2.675"), (17003, -1, "1.005"), (17004, 3, "0.335"), (17005, 1, "8.345"), (17006, 1, "1000000000.004999"), (17007, 1, "99587666899.465"),
    ];

    /// <summary>Product prices (category, price) of up to 16 significant digits, which the double keeps: the mean of
    /// one price is the price itself. PostgreSQL's cast to <c>numeric</c> kept 15 of them (1234567890.12346), DuckDB's
    /// made 545539760538.3551 545539760538.355072.</summary>
    private static readonly (long Category, string Price)[] Prices =
        [(901, "1234567890.123456"), (902, "0.000001"), (902, "0.000003"), (903, "98765432.1234567"), (904, "545539760538.3551")];

    /// <summary>A seller's price and a distributor's cost whose difference, as doubles, lies just below x.xx5.</summary>
    private static readonly (string Asin, string Price, string Cost)[] Offers = [("B0MARGIN1", "3", "1.995"), ("B0MARGIN2", "10", "5.675")];

    private readonly TempDir _dir = new("rounding");
    private readonly Dictionary<string, IWarehouse> _warehouses = [];

    public static TheoryData<string> Warehouses() => ["duckdb", "postgres"];

    public async Task InitializeAsync()
    {
        _warehouses["duckdb"] = new DuckDbWarehouse(new DuckDbWarehouseOptions { Path = _dir.Combine("w.duckdb") });
        _warehouses["postgres"] = new PostgresWarehouse(new PostgresWarehouseOptions { ConnectionString = await server.CreateDatabaseAsync("rounding") });
        IReadOnlyList<DatasetSchema> datasets = [.. DatasetCatalog.All, .. SeedDatasets.All];
        var batch = new WarehouseBatch(
        [
            Rows(DatasetCatalog.Orders, Lines.Select((l, i) => Row(
                ("InvoiceNo", $"{536000 + i}"), ("StockCode", $"S{i}"), ("Description", "mug"), ("Quantity", $"{l.Quantity}"),
                ("InvoiceDate", $"2024-01-0{i + 1} 10:00:00"), ("UnitPrice", l.UnitPrice), ("CustomerID", $"{l.Customer}"), ("Country", $"c{i}")))),
            Rows(DatasetCatalog.Products, Prices.Select((p, i) => Row(("asin", $"B0PRICE{i:D3}"), ("price", p.Price), ("category_id", $"{p.Category}")))),
            Rows(SeedDatasets.SellerOffers, Offers.Select(o => Row(("seller_id", "s1"), ("asin", o.Asin), ("product_price", o.Price), ("snapshot_date", "2024-01-02")))),
            Rows(SeedDatasets.SellerSnapshots, [Row(("seller_id", "s1"), ("snapshot_date", "2024-01-02"), ("offers", $"{Offers.Length}"))]),
            Rows(SeedDatasets.SupplierProducts, Offers.Select(o => Row(("asin", o.Asin), ("distributor", "d1"), ("cost", o.Cost), ("stock", "1")))),
        ], "rounding", new Dictionary<TopicPartition, long>());
        foreach (var warehouse in _warehouses.Values)
        {
            await warehouse.InitializeAsync(datasets, CancellationToken.None);
            await warehouse.CommitAsync(batch, CancellationToken.None);
        }
    }

    public async Task DisposeAsync()
    {
        foreach (var warehouse in _warehouses.Values)
        {
            await warehouse.DisposeAsync();
        }
        _dir.Dispose();
    }

    [Theory]
    [MemberData(nameof(Warehouses))]
    public async Task Sales_totals_round_the_decimal_amount_half_away_from_zero(string warehouse)
    {
        var expected = Lines.Select(l => Round2(l.Quantity * decimal.Parse(l.UnitPrice, System.Globalization.CultureInfo.InvariantCulture))).ToList();

        Assert.Equal(expected, await Column(warehouse, "top_customers", "customer_id", Lines.Select(l => l.Customer), "total_sales"));
        Assert.Equal(expected, await Column(warehouse, "sales_by_country", "country", Lines.Select((_, i) => $"c{i}"), "total_sales"));
        Assert.Equal(expected, await Column(warehouse, "daily_sales", "country", Lines.Select((_, i) => $"c{i}"), "total_sales"));
    }

    [Theory]
    [MemberData(nameof(Warehouses))]
    public async Task A_margin_rounds_the_decimal_difference_half_away_from_zero(string warehouse)
    {
        var expected = Offers.Select(o => Round2(decimal.Parse(o.Price, System.Globalization.CultureInfo.InvariantCulture) - decimal.Parse(o.Cost, System.Globalization.CultureInfo.InvariantCulture))).ToList();

        Assert.Equal(expected, await Column(warehouse, "asin_matches", "asin", Offers.Select(o => o.Asin), "margin"));
    }

    /// <summary>The mean price of a category is the exact decimal sum of its prices, each taken with the digits it was
    /// written with (rounded to 6 decimals), over their count.</summary>
    [Theory]
    [MemberData(nameof(Warehouses))]
    public async Task A_mean_price_keeps_every_digit_of_the_prices_on_both_warehouses(string warehouse)
    {
        var categories = Prices.GroupBy(p => p.Category).ToList();
        var expected = categories.Select(g => Double(g.Sum(p => Math.Round(decimal.Parse(p.Price, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture), 6, MidpointRounding.AwayFromZero))) / g.Count()).ToList();

        Assert.Equal(expected, await Column(warehouse, "avg_price_per_category", "category_id", categories.Select(g => g.Key), "avg_price"));
    }

    /// <summary>Marts sum exact decimals, which hold less than 10^32, so amounts and quantities are bounded where
    /// records come in: one order priced 10^33 made every read of the sales marts fail. The largest accepted line
    /// (10^9 × 10^12) sums exactly on every warehouse; one past either bound is rejected naming its field.</summary>
    [Theory]
    [MemberData(nameof(Warehouses))]
    public async Task Amounts_past_what_a_mart_sums_exactly_are_rejected_and_the_largest_accepted_sums_exactly(string warehouse)
    {
        Dictionary<string, string?> Line(string quantity, string unitPrice, string customer) => Row(
            ("InvoiceNo", "599999"), ("StockCode", "HUGE"), ("Description", "mug"), ("Quantity", quantity), ("InvoiceDate", "2024-02-01 10:00:00"),
            ("UnitPrice", unitPrice), ("CustomerID", customer), ("Country", "c9"));

        var tooDear = RecordNormalizer.Instance.Normalize(DatasetCatalog.Orders, Line("1", "1e33", "17999"));
        var tooMany = RecordNormalizer.Instance.Normalize(DatasetCatalog.Orders, Line("10000000000", "1", "17999"));
        Assert.Null(tooDear.Record);
        Assert.Equal("UnitPrice", Assert.Single(tooDear.Errors).Field);
        Assert.Null(tooMany.Record);
        Assert.Equal("Quantity", Assert.Single(tooMany.Errors).Field);
        var product = RecordNormalizer.Instance.Normalize(DatasetCatalog.Products, Row(("asin", "B0DEAR"), ("price", "2e12")));
        Assert.Equal("price", Assert.Single(product.Errors).Field);

        // Two of the largest lines a record may carry: 2 × 10^21, far inside the decimal, read back whole.
        await _warehouses[warehouse].CommitAsync(new WarehouseBatch(
            [Rows(DatasetCatalog.Orders, [Line("1000000000", "1e12", "17998"), Line("1000000000", "1e12", "17998")])],
            "rounding", new Dictionary<TopicPartition, long>()), CancellationToken.None);
        Assert.Equal([2e21], await Column(warehouse, "top_customers", "customer_id", new[] { 17998L }, "total_sales"));
    }

    /// <summary>The mart's <paramref name="value"/> column for each key, in the keys' order (doubles: a decimal made
    /// from a double keeps 15 significant digits only).</summary>
    private async Task<List<double>> Column<T>(string warehouse, string mart, string key, IEnumerable<T> keys, string value)
    {
        var result = await new MartService(_warehouses[warehouse]).QueryAsync(mart, MartService.MaxLimit, CancellationToken.None);
        var k = result.Columns.Select(c => c.Name).ToList().IndexOf(key);
        var v = result.Columns.Select(c => c.Name).ToList().IndexOf(value);
        var byKey = result.Rows.ToDictionary(r => Convert.ToString(r[k], System.Globalization.CultureInfo.InvariantCulture)!, r => (double)r[v]!);
        return keys.Select(x => byKey[Convert.ToString(x, System.Globalization.CultureInfo.InvariantCulture)!]).ToList();
    }

    private static double Round2(decimal value) => Double(Math.Round(value, 2, MidpointRounding.AwayFromZero));

    /// <summary>The double nearest the decimal (parsed from its digits: the cast may miss it by one unit).</summary>
    private static double Double(decimal value) =>
        double.Parse(value.ToString(System.Globalization.CultureInfo.InvariantCulture), System.Globalization.CultureInfo.InvariantCulture);

    private static DatasetRows Rows(DatasetSchema schema, IEnumerable<Dictionary<string, string?>> rows) => NormalizedRows.Of(schema, "test:rounding", rows);

    private static Dictionary<string, string?> Row(params (string Field, string Value)[] fields) => NormalizedRows.Row(fields);
}
