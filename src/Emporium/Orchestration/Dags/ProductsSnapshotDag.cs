using Emporium.Alerts;
using Microsoft.Extensions.Logging;

namespace Emporium.Orchestration.Dags;

/// <summary>Price, availability and demand alerts for the <c>products</c> dataset (seed 002's "what's next", applied
/// to the products the stream and batch paths load): <c>snapshot</c> records what changed in <c>products</c> since the
/// previous day's snapshot in <c>product_observations</c>, then <c>alerts</c> raises the changes through the same
/// detector, store and webhooks as <c>seller_catalog</c>. Parameters: <c>price_change_pct</c>, <c>demand_jump_factor</c>,
/// <c>webhooks</c>, <c>webhook_retries</c>, <c>webhook_retry_delay</c>.</summary>
public sealed class ProductsSnapshotDag : IDagDefinition
{
    public Dag Build() => AlertsTask.Params(Dag.Create("products_snapshot")
            .Describe("products table → product_observations (what changed since the last snapshot) → alerts")
            .Schedule("@daily")
            .StartDate(new DateOnly(2024, 1, 1))
            .MaxActiveRuns(1)
            .DependsOnPast())
        .Task("snapshot", Snapshot)
        .Task("alerts", RaiseAlerts, t => t.DependsOn("snapshot"));

    private static async Task Snapshot(TaskContext ctx)
    {
        var rows = await ProductSnapshotAlerts.SnapshotAsync(DagServices.Warehouse(ctx), ctx.Ds, DagServices.Time(ctx).GetUtcNow(), ctx.CancellationToken);
        ctx.Log.LogInformation("product_observations for {Ds}: {Rows} product(s) new or changed since the previous snapshot", ctx.DsString, rows);
        ctx.Push("changed", rows);
    }

    private static Task RaiseAlerts(TaskContext ctx) =>
        AlertsTask.RaiseAsync(ctx, (warehouse, options, now, ct) => ProductSnapshotAlerts.DetectAsync(warehouse, ctx.Ds, options, now, ct));
}
