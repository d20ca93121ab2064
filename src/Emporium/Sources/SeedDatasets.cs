using Emporium.Datasets;

namespace Emporium.Sources;

/// <summary>Warehouse tables written by the seeds' DAGs (not fed by the stream path, so not in
/// <see cref="DatasetCatalog.All"/>). Each DAG task replaces its day through the <c>_source</c> lineage column
/// (<c>dag:&lt;dag&gt;/&lt;table&gt;/ds=YYYY-MM-DD</c>), so re-running a day never doubles it.</summary>
public static class SeedDatasets
{
    /// <summary>Seed 004's metric, one row per customer and day.</summary>
    public static readonly DatasetSchema UserBehaviorMetric = new(
        "user_behavior_metric",
        [
            new("customer_id", ColumnType.Integer, Required: true),
            new("amount_spent", ColumnType.Double),
            new("review_score", ColumnType.Integer),
            new("review_count", ColumnType.Integer),
            new("insert_date", ColumnType.Timestamp, Required: true),
        ],
        ["customer_id", "insert_date"],
        WriteMode.Upsert,
        "insert_date");

    /// <summary>Seed 002's seller offers: one row per seller, ASIN and snapshot day (<c>ds</c>), cleaned from the
    /// catalog API's product objects. Prices are numbers (<c>"$1,234.50"</c> → 1234.5), <c>sales_volume</c> is the lower
    /// bound of the "N+ bought in past month" text (<c>"1K+"</c> → 1000), absent fields are null.</summary>
    public static readonly DatasetSchema SellerOffers = new(
        "seller_offers",
        [
            new("seller_id", ColumnType.Text, Required: true),
            new("asin", ColumnType.Text, Required: true),
            new("product_title", ColumnType.Text),
            new("product_price", ColumnType.Double) { Min = 0, Max = DatasetSchema.MaxAmount },
            new("product_original_price", ColumnType.Double) { Min = 0, Max = DatasetSchema.MaxAmount },
            new("currency", ColumnType.Text),
            new("product_star_rating", ColumnType.Double) { Min = 0, Max = 5 },
            new("product_num_ratings", ColumnType.Integer) { Min = 0 },
            new("product_url", ColumnType.Text),
            new("product_photo", ColumnType.Text),
            new("product_num_offers", ColumnType.Integer),
            new("product_minimum_offer_price", ColumnType.Double) { Min = 0, Max = DatasetSchema.MaxAmount },
            new("is_best_seller", ColumnType.Boolean),
            new("is_amazon_choice", ColumnType.Boolean),
            new("is_prime", ColumnType.Boolean),
            new("climate_pledge_friendly", ColumnType.Boolean),
            new("sales_volume", ColumnType.Integer) { Min = 0, Format = NumberFormat.ApproximateCount },
            new("delivery", ColumnType.Text),
            new("has_variations", ColumnType.Boolean),
            new("snapshot_date", ColumnType.Timestamp, Required: true),
        ],
        ["seller_id", "asin", "snapshot_date"],
        WriteMode.Upsert,
        "snapshot_date");

    /// <summary>One row per seller and snapshot day, written with that day's <see cref="SellerOffers"/> (in the same
    /// transaction), so a day whose catalog came back empty is still the seller's latest snapshot: without it the
    /// seller marts, which read each seller's latest day of offers, kept showing the day before's offers.</summary>
    public static readonly DatasetSchema SellerSnapshots = new(
        "seller_snapshots",
        [
            new("seller_id", ColumnType.Text, Required: true),
            new("snapshot_date", ColumnType.Timestamp, Required: true),
            new("offers", ColumnType.Integer) { Min = 0 },
        ],
        ["seller_id", "snapshot_date"],
        WriteMode.Upsert,
        "snapshot_date");

    /// <summary>A distributor's catalog (loaded from a file): what a reseller could buy each ASIN for.</summary>
    public static readonly DatasetSchema SupplierProducts = new(
        "supplier_products",
        [
            new("asin", ColumnType.Text, Required: true),
            new("distributor", ColumnType.Text, Required: true, "supplier"),
            new("cost", ColumnType.Double, false, "price", "unit_cost") { Min = -DatasetSchema.MaxAmount, Max = DatasetSchema.MaxAmount },
            new("stock", ColumnType.Integer, false, "quantity", "qty"),
        ],
        ["asin", "distributor"],
        WriteMode.Upsert);

    /// <summary>Price, stock and demand changes detected between snapshots (see Alerts).</summary>
    public static readonly DatasetSchema Alerts = new(
        "alerts",
        [
            new("alert_id", ColumnType.Text, Required: true),
            new("kind", ColumnType.Text, Required: true),
            new("source", ColumnType.Text, Required: true),
            new("asin", ColumnType.Text, Required: true),
            new("title", ColumnType.Text),
            new("old_value", ColumnType.Double),
            new("new_value", ColumnType.Double),
            new("change_pct", ColumnType.Double),
            new("message", ColumnType.Text),
            new("observed_for", ColumnType.Timestamp),
            new("detected_at", ColumnType.Timestamp, Required: true),
        ],
        ["alert_id"],
        WriteMode.Upsert,
        "detected_at");

    /// <summary>The alerts outbox: one row per alert and webhook with its delivery state.</summary>
    public static readonly DatasetSchema AlertDeliveries = new(
        "alert_deliveries",
        [
            new("alert_id", ColumnType.Text, Required: true),
            new("webhook", ColumnType.Text, Required: true),
            new("state", ColumnType.Text, Required: true),
            new("attempts", ColumnType.Integer, Required: true),
            new("last_error", ColumnType.Text),
            new("updated_at", ColumnType.Timestamp, Required: true),
        ],
        ["alert_id", "webhook"],
        WriteMode.Upsert);

    /// <summary>History of the <c>products</c> table as the <c>products_snapshot</c> DAG observed it: a row per ASIN and
    /// snapshot day only when its price, availability (<c>price &gt; 0</c>: asaniczka lists unavailable products at 0)
    /// or demand changed since its latest earlier row (or the ASIN is new), so an unchanged catalog costs nothing.</summary>
    public static readonly DatasetSchema ProductObservations = new(
        "product_observations",
        [
            new("asin", ColumnType.Text, Required: true),
            new("title", ColumnType.Text),
            new("price", ColumnType.Double),
            new("in_stock", ColumnType.Boolean, Required: true),
            new("bought_in_last_month", ColumnType.Integer),
            new("snapshot_date", ColumnType.Timestamp, Required: true),
        ],
        ["asin", "snapshot_date"],
        WriteMode.Upsert,
        "snapshot_date");

    /// <summary>Every table of the seeds' DAGs, for warehouse initialisation.</summary>
    public static IReadOnlyList<DatasetSchema> All { get; } = [UserBehaviorMetric, SellerOffers, SellerSnapshots, SupplierProducts, Alerts, AlertDeliveries, ProductObservations];

    /// <summary>Lineage tag of the rows a DAG task wrote for one day.</summary>
    public static string DaySource(string dag, string table, DateOnly ds) =>
        $"dag:{dag}/{table}/ds={ds:yyyy-MM-dd}";
}
