using Emporium.Datasets;

namespace Emporium.Orchestration.Dags;

/// <summary>Seed 000: once a day, load the review files dropped in the landing zone (<c>landing/reviews</c> under the
/// data dir, parameter <c>landing</c>) into <c>reviews</c> with the shared batch loader. One retry after 5 minutes;
/// a day waits for the previous day's load (depends_on_past) and runs alone (max_active_runs = 1), as the seed did.</summary>
public sealed class ReviewsBatchDag : IDagDefinition
{
    public Dag Build() => Dag.Create("reviews_batch")
        .Describe("Landing-zone review files → reviews (seed 000)")
        .Schedule("@daily")
        .StartDate(new DateOnly(2024, 1, 1))
        .DependsOnPast()
        .MaxActiveRuns(1)
        .Param("landing", "landing/reviews")
        .Task("load_reviews", async ctx =>
        {
            var summary = await LandingFiles.LoadAsync(ctx, ctx.Param("landing"), DatasetCatalog.Reviews);
            ctx.Push("rows_loaded", summary.RowsLoaded);
            ctx.Push("rows_rejected", summary.RowsRejected);
        }, t => t.Retries(1, TimeSpan.FromMinutes(5)));
}
