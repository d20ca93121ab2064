using Emporium.Sources;

namespace Emporium.Marts;

/// <summary>Every mart Emporium publishes. The definitions follow the seeds: seed 001's product price and category
/// analysis (pandas) and seed 003's Athena queries over clean orders.</summary>
public static class MartCatalog
{
    /// <summary>Seed 001 cut prices with <c>pd.cut(bins=range(0, 300, 5))</c>: right-closed 5-wide intervals
    /// (0,5] … (290,295]. Prices outside get their own rows so no priced product is dropped; products without a
    /// price are not counted (pandas leaves them out of every bin too).</summary>
    public const int PriceBinWidth = 5;

    public const int PriceBinTop = 295;

    /// <summary>Seed 003's cleaning of orders, as a view the other order marts and the dashboard's date and country
    /// filters read: rows missing any field the seed required are dropped, the country is lower-cased and trimmed and
    /// the invoice date becomes the sales date. The seed's loaders dropped lines missing any of the eight fields
    /// (<c>dropna</c>) and its Glue job customer, invoice date and description again; invoice, quantity and unit price
    /// are required at ingest, so the view tests the other five. Listed first in <see cref="All"/> so the warehouses
    /// create it before the marts over it.</summary>
    public static readonly MartDefinition CleanOrders = new(
        "clean_orders",
        "Order lines after seed 003's cleaning (customer, invoice date, description, stock code and country present; country lower-cased and trimmed)",
        [new("sales_date", "date"), new("country", "varchar"), new("stock_code", "varchar"), new("quantity", "bigint"), new("unit_price", "double"), new("customer_id", "bigint")],
        ["orders"],
        sql => $"""
            SELECT {sql.Date("invoice_date")} AS sales_date, LOWER(TRIM(country)) AS country, stock_code, quantity, unit_price, customer_id
            FROM orders
            WHERE customer_id IS NOT NULL AND invoice_date IS NOT NULL AND description IS NOT NULL AND description <> ''
              AND stock_code IS NOT NULL AND TRIM(stock_code) <> '' AND country IS NOT NULL AND TRIM(country) <> ''
            """,
        "sales_date, country, stock_code, customer_id, quantity, unit_price",
        1000);

    public static readonly MartDefinition PriceDistribution = new(
        "price_distribution",
        "Products per 5-wide price bucket (low, high]; price <= 0 and price > 295 in their own rows",
        [new("bucket_low", "bigint"), new("bucket_high", "bigint"), new("products", "bigint")],
        ["products"],
        sql =>
        {
            // Bucket ordinal: 0 for price <= 0, 1..59 for (0,5]..(290,295], 60 for price > 295.
            var lastBin = PriceBinTop / PriceBinWidth + 1;
            var bins = Enumerable.Range(0, lastBin + 1).Select(i => i switch
            {
                0 => new long?[] { null, 0, 0 },
                _ when i == lastBin => [PriceBinTop, null, i],
                _ => [(i - 1) * PriceBinWidth, i * PriceBinWidth, i],
            });
            return $"""
                SELECT b.bucket_low, b.bucket_high, {sql.BigInt("COUNT(p.ord)")} AS products
                FROM {sql.Values("b", ["bucket_low", "bucket_high", "ord"], bins)}
                LEFT JOIN (
                    SELECT CASE WHEN price <= 0 THEN 0
                                WHEN price > {PriceBinTop} THEN {lastBin}
                                ELSE {sql.BigInt($"CEIL(price / {PriceBinWidth}.0)")} END AS ord
                    FROM products WHERE price IS NOT NULL) AS p ON p.ord = b.ord
                GROUP BY b.bucket_low, b.bucket_high, b.ord
                """;
        },
        "bucket_high NULLS LAST",
        null);

    public static readonly MartDefinition CategoryDistribution = new(
        "category_distribution",
        "Products per category (products left-joined to categories)",
        [new("category_id", "bigint"), new("category_name", "varchar"), new("products", "bigint")],
        ["products", "categories"],
        sql => $"""
            SELECT p.category_id, c.category_name, {sql.BigInt("COUNT(*)")} AS products
            FROM products AS p LEFT JOIN categories AS c ON c.id = p.category_id
            GROUP BY p.category_id, c.category_name
            """,
        "products DESC, category_id NULLS LAST",
        null);

    public static readonly MartDefinition AvgPricePerCategory = new(
        "avg_price_per_category",
        "Products and their average price per category (products left-joined to categories)",
        [new("category_id", "bigint"), new("category_name", "varchar"), new("products", "bigint"), new("avg_price", "double")],
        ["products", "categories"],
        sql => $"""
            SELECT p.category_id, c.category_name, {sql.BigInt("COUNT(*)")} AS products, {sql.Mean("p.price")} AS avg_price
            FROM products AS p LEFT JOIN categories AS c ON c.id = p.category_id
            GROUP BY p.category_id, c.category_name
            """,
        "avg_price DESC NULLS LAST, category_id NULLS LAST",
        null);

    public static readonly MartDefinition DailySales = new(
        "daily_sales",
        "Sales per day and country over clean orders, highest first",
        [new("sales_date", "date"), new("country", "varchar"), new("total_sales", "double")],
        ["orders"],
        sql => $"""
            SELECT sales_date, country, {sql.Round2($"SUM(quantity * {sql.Decimal("unit_price")})")} AS total_sales
            FROM clean_orders
            GROUP BY sales_date, country
            """,
        "total_sales DESC, sales_date, country",
        10);

    public static readonly MartDefinition PopularProducts = new(
        "popular_products",
        "Quantity sold per stock code over clean orders, highest first",
        [new("stock_code", "varchar"), new("total_quantity", "bigint")],
        ["orders"],
        sql => $"""
            SELECT stock_code, {sql.BigInt("SUM(quantity)")} AS total_quantity
            FROM clean_orders
            GROUP BY stock_code
            """,
        "total_quantity DESC, stock_code",
        10);

    public static readonly MartDefinition SalesByCountry = new(
        "sales_by_country",
        "Sales per country over clean orders, highest first",
        [new("country", "varchar"), new("total_sales", "double")],
        ["orders"],
        sql => $"""
            SELECT country, {sql.Round2($"SUM(quantity * {sql.Decimal("unit_price")})")} AS total_sales
            FROM clean_orders
            GROUP BY country
            """,
        "total_sales DESC, country",
        10);

    public static readonly MartDefinition TopCustomers = new(
        "top_customers",
        "Sales per customer over clean orders, highest first",
        [new("customer_id", "bigint"), new("total_sales", "double")],
        ["orders"],
        sql => $"""
            SELECT customer_id, {sql.Round2($"SUM(quantity * {sql.Decimal("unit_price")})")} AS total_sales
            FROM clean_orders
            GROUP BY customer_id
            """,
        "total_sales DESC, customer_id",
        10);

    public static readonly MartDefinition ReviewRatings = new(
        "review_ratings",
        "Reviews per star rating",
        [new("rating", "bigint"), new("reviews", "bigint")],
        ["reviews"],
        sql => $"""
            SELECT rating, {sql.BigInt("COUNT(*)")} AS reviews
            FROM reviews
            GROUP BY rating
            """,
        "rating",
        null);

    public static readonly MartDefinition TopReviewedProducts = new(
        "top_reviewed_products",
        "Most reviewed products with their average rating",
        [new("asin", "varchar"), new("reviews", "bigint"), new("avg_rating", "double")],
        ["reviews"],
        sql => $"""
            SELECT asin, {sql.BigInt("COUNT(*)")} AS reviews, {sql.Double($"AVG({sql.Double("rating")})")} AS avg_rating
            FROM reviews
            GROUP BY asin
            """,
        "reviews DESC, asin",
        10);

    /// <summary>Seed 004's metric is written as a table by the user_behaviour DAG (one day replaced per run), so the
    /// mart reads that table rather than a view recomputing it.</summary>
    public static readonly MartDefinition UserBehaviorMetric = new(
        SeedDatasets.UserBehaviorMetric.Name,
        "Amount spent, positive reviews and reviews per customer and day (seed 004), written by the user_behaviour DAG",
        [new("customer_id", "bigint"), new("amount_spent", "double"), new("review_score", "bigint"), new("review_count", "bigint"), new("insert_date", "timestamp")],
        [SeedDatasets.UserBehaviorMetric.Name],
        _ => $"SELECT * FROM {SeedDatasets.UserBehaviorMetric.Name}",
        "insert_date DESC, amount_spent DESC NULLS LAST, customer_id",
        null,
        BackedByTable: true);

    public static IReadOnlyList<MartDefinition> All { get; } =
    [
        PriceDistribution, CategoryDistribution, AvgPricePerCategory,
        CleanOrders, DailySales, PopularProducts, SalesByCountry, TopCustomers,
        ReviewRatings, TopReviewedProducts,
        UserBehaviorMetric,
        .. SellerMarts.All,
    ];

    public static MartDefinition? Find(string name) =>
        All.FirstOrDefault(m => string.Equals(m.Name, name, StringComparison.OrdinalIgnoreCase));
}
