using System.Globalization;
using Emporium.Datasets;
using Emporium.Sources;
using Emporium.Warehouse;

namespace Emporium.Alerts;

/// <summary>Alerts for the <c>products</c> dataset, whatever filled it (stream ingest or batch loads both upsert the
/// latest row per ASIN, so the table itself keeps no history). <see cref="SnapshotAsync"/> records what changed since
/// the previous snapshot in <c>product_observations</c>; <see cref="DetectAsync"/> compares each ASIN observed in a
/// snapshot with its latest earlier observation through the one <see cref="AlertDetector"/>. Both compare against
/// observations strictly before the snapshot day, and a re-run keeps what the day observed, so re-running a day
/// yields the same alerts (which the store then ignores as known).</summary>
public static class ProductSnapshotAlerts
{
    public const string Source = "products";

    /// <summary>The currency of the products dataset's prices, which name none: its listings are the US store's
    /// (the dashboard shows them in dollars too).</summary>
    public const string Currency = "USD";

    private static readonly string Table = SeedDatasets.ProductObservations.Name;

    /// <summary>Adds to the day's observations the products whose price, availability or demand differ from their
    /// latest earlier observation (all of them on the first snapshot). An ASIN already observed on that day or later
    /// keeps its observations: the table holds only the current row, so a re-run after a price change would otherwise
    /// overwrite the day's price with the new one, and the change would never be compared with anything (the next
    /// day's snapshot sees it instead). Set-based SQL, so a large catalog never passes through this process. Returns
    /// the number of rows written.</summary>
    public static async Task<int> SnapshotAsync(IWarehouse warehouse, DateOnly ds, DateTimeOffset now, CancellationToken ct)
    {
        // products too: a snapshot before anything was loaded is an empty one, not a missing table.
        await warehouse.InitializeAsync([DatasetCatalog.Products, .. SeedDatasets.All], ct);
        var day = SqlLiteral.Day(ds);
        var lineage = SqlLiteral.Text(SeedDatasets.DaySource("products_snapshot", Table, ds));
        // No IS DISTINCT FROM: Redshift lacks it; Same() spells it out.
        return await warehouse.ExecuteAsync($"""
            INSERT INTO {Table} (asin, title, price, in_stock, bought_in_last_month, snapshot_date, _source, _loaded_at)
            SELECT p.asin, p.title, p.price, {InStock("p.price")}, p.bought_in_last_month, {day}, {lineage}, {SqlLiteral.Timestamp(now.UtcDateTime)}
            FROM products AS p
            LEFT JOIN ({Latest(day)}) AS l ON l.asin = p.asin
            WHERE (l.asin IS NULL
                   OR NOT ({Same("p.price", "l.price")})
                   OR NOT ({Same("p.bought_in_last_month", "l.bought_in_last_month")}))
              AND NOT EXISTS (SELECT 1 FROM {Table} AS seen WHERE seen.asin = p.asin AND seen.snapshot_date >= {day})
            """, ct);
    }

    /// <summary>Alerts for the ASINs observed on <paramref name="ds"/> that had an earlier observation. Incomplete by
    /// nature (a product absent from the table was not delisted, it was never sent), so absence raises nothing.</summary>
    public static async Task<IReadOnlyList<Alert>> DetectAsync(IWarehouse warehouse, DateOnly ds, AlertOptions options, DateTimeOffset now, CancellationToken ct)
    {
        await warehouse.InitializeAsync(SeedDatasets.All, ct);
        var day = SqlLiteral.Day(ds);
        var result = await warehouse.QueryAsync($"""
            SELECT c.asin, c.title, c.price, c.in_stock, c.bought_in_last_month, l.title, l.price, l.in_stock, l.bought_in_last_month
            FROM {Table} AS c
            JOIN ({Latest(day)}) AS l ON l.asin = c.asin
            WHERE c.snapshot_date = {day}
            """, ct);
        var before = new Dictionary<string, ProductObservation>(StringComparer.Ordinal);
        var current = new Dictionary<string, ProductObservation>(StringComparer.Ordinal);
        foreach (var row in result.Rows)
        {
            var asin = (string)row[0]!;
            current[asin] = Observation(asin, row, 1);
            before[asin] = Observation(asin, row, 5);
        }
        return AlertDetector.Detect(Source, before, current, completeSnapshot: false, ds, now, options);
    }

    private static ProductObservation Observation(string asin, object?[] row, int at) =>
        new(asin, row[at] as string, WarehouseValues.Double(row[at + 1]), Convert.ToBoolean(row[at + 2], CultureInfo.InvariantCulture),
            row[at + 3] is null ? null : WarehouseValues.Long(row[at + 3]), Currency);

    /// <summary>The latest observation of each ASIN before <paramref name="day"/>.</summary>
    private static string Latest(string day) => $"""
        SELECT asin, title, price, in_stock, bought_in_last_month FROM (
            SELECT o.asin, o.title, o.price, o.in_stock, o.bought_in_last_month,
                   ROW_NUMBER() OVER (PARTITION BY o.asin ORDER BY o.snapshot_date DESC) AS rn
            FROM {Table} AS o WHERE o.snapshot_date < {day}) AS ranked
        WHERE rn = 1
        """;

    private static string InStock(string price) => $"CASE WHEN {price} > 0 THEN TRUE ELSE FALSE END";

    private static string Same(string a, string b) => $"{a} = {b} OR ({a} IS NULL AND {b} IS NULL)";
}
