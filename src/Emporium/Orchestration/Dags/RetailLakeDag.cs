using Emporium.Datasets;
using Emporium.Marts;
using Microsoft.Extensions.Logging;

namespace Emporium.Orchestration.Dags;

/// <summary>Seed 003: raw orders files (<c>landing/orders</c>, parameter <c>orders</c>) → raw zone as received → clean
/// Parquet partitioned by date and country → <c>orders</c> in the warehouse (all by the shared batch loader) → the
/// order marts refreshed (the seed's Athena queries: daily_sales, popular_products, sales_by_country, top_customers).</summary>
public sealed class RetailLakeDag : IDagDefinition
{
    public Dag Build() => Dag.Create("retail_lake")
        .Describe("Raw orders → clean Parquet by country → marts (seed 003)")
        .Schedule("@daily")
        .StartDate(new DateOnly(2024, 1, 1))
        .MaxActiveRuns(1)
        .Param("orders", "landing/orders")
        .Task("load_orders", async ctx =>
        {
            var summary = await LandingFiles.LoadAsync(ctx, ctx.Param("orders"), DatasetCatalog.Orders);
            ctx.Push("rows_loaded", summary.RowsLoaded);
        }, t => t.Retries(1, TimeSpan.FromMinutes(5)))
        .Task("refresh_marts", async ctx =>
        {
            var warehouse = DagServices.Warehouse(ctx);
            await warehouse.InitializeAsync(DatasetCatalog.All, ctx.CancellationToken);
            foreach (var mart in MartCatalog.All.Where(m => m.DependsOn.SequenceEqual(["orders"])))
            {
                var top = await warehouse.QueryAsync(mart.ReadSql(warehouse.Dialect, 1), ctx.CancellationToken);
                ctx.Log.LogInformation("mart {Mart}: top row {Row}", mart.Name, top.Rows.Count == 0 ? "(empty)" : string.Join(", ", top.Rows[0]));
            }
        }, t => t.DependsOn("load_orders"));
}
