namespace Emporium.Datasets;

/// <summary>The canonical datasets Emporium knows. Names and columns are a contract with the marts.</summary>
public static class DatasetCatalog
{
    public static readonly DatasetSchema Products = new(
        "products",
        [
            new("asin", ColumnType.Text, Required: true),
            new("title", ColumnType.Text),
            new("img_url", ColumnType.Text, false, "imgUrl", "image_url"),
            new("product_url", ColumnType.Text, false, "productURL"),
            new("stars", ColumnType.Double),
            new("reviews", ColumnType.Integer),
            new("price", ColumnType.Double),
            new("list_price", ColumnType.Double, false, "listPrice"),
            new("category_id", ColumnType.Integer),
            new("is_best_seller", ColumnType.Boolean, false, "isBestSeller"),
            new("bought_in_last_month", ColumnType.Integer, false, "boughtInLastMonth"),
            new("observed_at", ColumnType.Timestamp, false, "date"),
        ],
        ["asin"],
        WriteMode.Upsert,
        "observed_at");

    public static readonly DatasetSchema Categories = new(
        "categories",
        [
            new("id", ColumnType.Integer, Required: true, "category_id"),
            new("category_name", ColumnType.Text, Required: true),
        ],
        ["id"],
        WriteMode.Upsert);

    public static readonly DatasetSchema Reviews = new(
        "reviews",
        [
            new("review_id", ColumnType.Text, false, "reviews.id", "id"),
            new("asin", ColumnType.Text, Required: true, "asins"),
            new("rating", ColumnType.Integer, Required: true, "overall", "reviews.rating", "stars"),
            new("title", ColumnType.Text, false, "summary", "reviews.title"),
            new("text", ColumnType.Text, false, "reviewText", "reviews.text", "body"),
            new("reviewer_id", ColumnType.Text, false, "reviewerID"),
            new("reviewer_name", ColumnType.Text, false, "reviewerName", "reviews.username"),
            new("reviewed_at", ColumnType.Timestamp, false, "unixReviewTime", "reviews.date", "reviewTime"),
            new("verified", ColumnType.Boolean, false, "reviews.didPurchase"),
            new("helpful_votes", ColumnType.Integer, false, "vote", "reviews.numHelpful"),
        ],
        ["review_id"],
        WriteMode.Upsert,
        "reviewed_at");

    public static readonly DatasetSchema Orders = new(
        "orders",
        [
            new("invoice_no", ColumnType.Text, Required: true, "InvoiceNo", "invoice_number"),
            new("stock_code", ColumnType.Text, false, "StockCode"),
            new("description", ColumnType.Text, false, "Description", "detail"),
            new("quantity", ColumnType.Integer, Required: true, "Quantity"),
            new("invoice_date", ColumnType.Timestamp, false, "InvoiceDate"),
            new("unit_price", ColumnType.Double, Required: true, "UnitPrice"),
            new("customer_id", ColumnType.Integer, false, "CustomerID"),
            new("country", ColumnType.Text, false, "Country"),
        ],
        [],
        WriteMode.Append,
        "invoice_date");

    /// <summary>Every built-in dataset, in load order (categories before products).</summary>
    public static IReadOnlyList<DatasetSchema> All { get; } = [Categories, Products, Reviews, Orders];

    /// <summary>Finds a dataset by name (case-insensitive).</summary>
    public static DatasetSchema? Find(string name) =>
        All.FirstOrDefault(d => string.Equals(d.Name, name, StringComparison.OrdinalIgnoreCase));
}
