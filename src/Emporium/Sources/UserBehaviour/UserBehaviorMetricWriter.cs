using Emporium.Datasets;
using Emporium.Log;
using Emporium.Warehouse;

namespace Emporium.Sources.UserBehaviour;

/// <summary>Replaces one day of <c>user_behavior_metric</c> in the warehouse in a single transaction: the day's
/// previous rows (found by their lineage tag) are deleted and the new ones inserted together.</summary>
public static class UserBehaviorMetricWriter
{
    public static async Task WriteAsync(IWarehouse warehouse, IReadOnlyList<UserBehaviorMetricRow> rows, DateOnly ds, CancellationToken ct)
    {
        var schema = SeedDatasets.UserBehaviorMetric;
        await warehouse.InitializeAsync([schema], ct);
        var source = SeedDatasets.DaySource("user_behaviour", schema.Name, ds);
        var day = ds.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);
        var records = rows
            .Select(r => new CanonicalRecord(schema, [r.CustomerId, (double)r.AmountSpent, r.ReviewScore, r.ReviewCount, day]))
            .ToList();
        await warehouse.CommitAsync(
            new WarehouseBatch([new DatasetRows(schema, records, source)], "dag:user_behaviour", new Dictionary<TopicPartition, long>(), ReplaceSource: source),
            ct);
    }
}
