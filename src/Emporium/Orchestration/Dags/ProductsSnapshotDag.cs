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
    private static readonly HttpClient Http = new() { Timeout = Timeout.InfiniteTimeSpan };

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

    private static async Task RaiseAlerts(TaskContext ctx)
    {
        var warehouse = DagServices.Warehouse(ctx);
        var time = DagServices.Time(ctx);
        var options = AlertsTask.Options(ctx);
        var detected = await ProductSnapshotAlerts.DetectAsync(warehouse, ctx.Ds, options, time.GetUtcNow(), ctx.CancellationToken);
        await AlertsTask.StoreAndDispatchAsync(ctx, warehouse, detected, options, Http, time);
    }
}
