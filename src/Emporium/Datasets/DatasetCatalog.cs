namespace Emporium.Datasets;

/// <summary>The canonical datasets Emporium knows. Names and columns are a contract with the marts.
/// Aliases cover the field names of every real source (asaniczka CSV, seed payloads, RapidAPI search, McAuley and
/// Datafiniti reviews, UCI Online Retail, the user_purchase export); docs/datasets.md maps each source.</summary>
public static class DatasetCatalog
{
    public static readonly DatasetSchema Products = new(
        "products",
        [
            new("asin", ColumnType.Text, Required: true),
            new("title", ColumnType.Text, false, "product_title"),
            new("img_url", ColumnType.Text, false, "imgUrl", "image_url", "product_photo"),
            new("product_url", ColumnType.Text, false, "productURL"),
            new("stars", ColumnType.Double, false, "product_star_rating") { Min = 0, Max = 5 },
            new("reviews", ColumnType.Integer, false, "product_num_ratings") { Min = 0 },
            new("price", ColumnType.Double, false, "product_price") { Min = 0, Max = DatasetSchema.MaxAmount },
            // asaniczka writes listPrice 0.0 for "not discounted": stored as null so it cannot pass for a free product.
            new("list_price", ColumnType.Double, false, "listPrice", "product_original_price") { Min = 0, Max = DatasetSchema.MaxAmount, ZeroMeansMissing = true },
            new("category_id", ColumnType.Integer),
            new("is_best_seller", ColumnType.Boolean, false, "isBestSeller"),
            new("bought_in_last_month", ColumnType.Integer, false, "boughtInLastMonth", "sales_volume")
                { Min = 0, Format = NumberFormat.ApproximateCount },
            new("observed_at", ColumnType.Timestamp, false, "date") { SlashDates = SlashDateOrder.DayFirst },
        ],
        ["asin"],
        WriteMode.Upsert,
        "observed_at");

    public static readonly DatasetSchema Categories = new(
        "categories",
        [
            new("id", ColumnType.Integer, Required: true, "category_id"),
            new("category_name", ColumnType.Text, Required: true, "name"),
        ],
        ["id"],
        WriteMode.Upsert);

    public static readonly DatasetSchema Reviews = new(
        "reviews",
        [
            // Not "id": in Datafiniti files `id` is the product's id, shared by all its reviews.
            new("review_id", ColumnType.Text, false, "reviews.id"),
            new("asin", ColumnType.Text, Required: true, "asins"),
            new("rating", ColumnType.Integer, Required: true, "overall", "reviews.rating", "stars") { Min = 1, Max = 5 },
            new("title", ColumnType.Text, false, "summary", "reviews.title") { Text = TextStyle.Verbatim },
            new("text", ColumnType.Text, false, "reviewText", "reviews.text", "body") { Text = TextStyle.Verbatim },
            new("reviewer_id", ColumnType.Text, false, "reviewerID"),
            new("reviewer_name", ColumnType.Text, false, "reviewerName", "reviews.username"),
            new("reviewed_at", ColumnType.Timestamp, false, "unixReviewTime", "reviews.date", "reviewTime"),
            new("verified", ColumnType.Boolean, false, "reviews.didPurchase"),
            new("helpful_votes", ColumnType.Integer, false, "vote", "reviews.numHelpful") { Min = 0 },
        ],
        ["review_id"],
        WriteMode.Upsert,
        "reviewed_at");

    public static readonly DatasetSchema Orders = new(
        "orders",
        [
            new("invoice_no", ColumnType.Text, Required: true, "InvoiceNo", "invoice_number"),
            new("stock_code", ColumnType.Text, false, "StockCode"),
            // Kept as the source wrote it (UCI descriptions carry trailing spaces); marts group by stock_code.
            new("description", ColumnType.Text, false, "Description", "detail") { Text = TextStyle.Verbatim },
            // Negative quantities are cancellations and stay.
            new("quantity", ColumnType.Integer, Required: true, "Quantity") { Min = -DatasetSchema.MaxQuantity, Max = DatasetSchema.MaxQuantity },
            new("invoice_date", ColumnType.Timestamp, false, "InvoiceDate"),
            // No lower bound: UCI books bad-debt adjustments with negative unit prices.
            new("unit_price", ColumnType.Double, Required: true, "UnitPrice") { Min = -DatasetSchema.MaxAmount, Max = DatasetSchema.MaxAmount },
            new("customer_id", ColumnType.Integer, false, "CustomerID") { Min = 0 },
            // Names the clean zone's country=… folder.
            new("country", ColumnType.Text, false, "Country") { Text = TextStyle.TrimLower, MaxBytes = DatasetSchema.MaxPartitionValueBytes },
        ],
        [],
        WriteMode.Append,
        "invoice_date");

    /// <summary>Records ingest rejected, one row per record: which request and record, the first failing field and its
    /// reason (all of them as a JSON array in <c>errors</c>), the original text. Written by ingest (through the log and
    /// the stream processor, like accepted records) and by the processor for a record the warehouse refuses, so it is
    /// not in <see cref="All"/>: clients cannot post to it, load files into it or replay it as a source dataset.</summary>
    public static readonly DatasetSchema DeadLetters = new(
        "dead_letters",
        [
            new("request_id", ColumnType.Text, Required: true),
            new("dataset", ColumnType.Text, Required: true),
            new("record_index", ColumnType.Integer, Required: true) { Min = 0 },
            new("field", ColumnType.Text) { Text = TextStyle.Verbatim },
            new("error", ColumnType.Text, Required: true) { Text = TextStyle.Verbatim },
            new("errors", ColumnType.Text) { Text = TextStyle.Verbatim },
            new("raw", ColumnType.Text) { Text = TextStyle.Verbatim },
            new("source", ColumnType.Text),
            new("received_at", ColumnType.Timestamp, Required: true),
        ],
        [],
        WriteMode.Append,
        "received_at");

    /// <summary>Every built-in dataset, in load order (categories before products).</summary>
    public static IReadOnlyList<DatasetSchema> All { get; } = [Categories, Products, Reviews, Orders];

    /// <summary>Every topic ingest appends to and the stream processor lands: <see cref="All"/> plus
    /// <see cref="DeadLetters"/>.</summary>
    public static IReadOnlyList<DatasetSchema> Streamed { get; } = [.. All, DeadLetters];

    /// <summary>Finds a dataset by name (case-insensitive).</summary>
    public static DatasetSchema? Find(string name) =>
        All.FirstOrDefault(d => string.Equals(d.Name, name, StringComparison.OrdinalIgnoreCase));

    /// <summary>Finds a topic the stream processor lands by name (case-insensitive): a dataset or <see cref="DeadLetters"/>.</summary>
    public static DatasetSchema? FindStreamed(string name) =>
        Streamed.FirstOrDefault(d => string.Equals(d.Name, name, StringComparison.OrdinalIgnoreCase));
}
