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

    /// <summary>Lineage tag of the rows a DAG task wrote for one day.</summary>
    public static string DaySource(string dag, string table, DateOnly ds) =>
        $"dag:{dag}/{table}/ds={ds:yyyy-MM-dd}";
}
