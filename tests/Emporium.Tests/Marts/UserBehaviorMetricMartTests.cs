using Emporium.Cli.Web;
using Emporium.Datasets;
using Emporium.Marts;
using Emporium.Sources.UserBehaviour;
using Emporium.Tests.TestSupport;
using Emporium.Warehouse.DuckDb;

namespace Emporium.Tests.Marts;

/// <summary>The table-backed <c>user_behavior_metric</c> mart: absent until the DAG's table exists, then it serves the
/// rows written to that table, in its presentation order, with no view of its own.</summary>
public sealed class UserBehaviorMetricMartTests
{
    [Fact]
    public async Task The_mart_is_listed_once_the_table_exists_and_reads_the_rows_written_to_it()
    {
        using var dir = new TempDir("ubm-mart");
        await using var warehouse = new DuckDbWarehouse(new DuckDbWarehouseOptions { Path = dir.Combine("w.duckdb") });
        await warehouse.InitializeAsync(DatasetCatalog.All, CancellationToken.None);
        Assert.DoesNotContain("user_behavior_metric", await MartEndpoints.ListAsync(warehouse, CancellationToken.None));

        var day1 = new DateOnly(2024, 3, 1);
        var day2 = new DateOnly(2024, 3, 2);
        UserBehaviorMetricRow[] first = [new(17, 120.5m, 2, 3, day1), new(4, 310.25m, 0, 1, day1), new(9, 0m, 1, 1, day1)];
        UserBehaviorMetricRow[] second = [new(17, 42m, 1, 1, day2), new(23, 99.9m, 3, 4, day2)];
        await UserBehaviorMetricWriter.WriteAsync(warehouse, first, day1, CancellationToken.None);
        await UserBehaviorMetricWriter.WriteAsync(warehouse, second, day2, CancellationToken.None);

        Assert.Contains("user_behavior_metric", await MartEndpoints.ListAsync(warehouse, CancellationToken.None));
        var views = await warehouse.QueryAsync(
            "SELECT table_name FROM information_schema.tables WHERE table_type = 'VIEW' AND table_name = 'user_behavior_metric'", CancellationToken.None);
        Assert.Empty(views.Rows);

        var result = await new MartService(warehouse).QueryAsync("user_behavior_metric", null, CancellationToken.None);
        Assert.Equal(["customer_id", "amount_spent", "review_score", "review_count", "insert_date"], result.Columns.Select(c => c.Name));
        var expected = first.Concat(second)
            .OrderByDescending(r => r.InsertDate).ThenByDescending(r => r.AmountSpent).ThenBy(r => r.CustomerId)
            .Select(r => (r.CustomerId, (double)r.AmountSpent, r.ReviewScore, r.ReviewCount, r.InsertDate))
            .ToList();
        var actual = result.Rows
            .Select(r => (Convert.ToInt64(r[0]), Convert.ToDouble(r[1]), Convert.ToInt64(r[2]), Convert.ToInt64(r[3]), DateOnly.FromDateTime(Convert.ToDateTime(r[4]))))
            .ToList();
        Assert.Equal(expected, actual);

        var limited = await new MartService(warehouse).QueryAsync("user_behavior_metric", 2, CancellationToken.None);
        Assert.Equal(2, limited.Rows.Count);
    }
}
