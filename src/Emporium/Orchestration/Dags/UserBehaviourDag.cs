using System.Globalization;
using System.Text;
using Emporium.Demo;
using Emporium.Sources;
using Emporium.Sources.Postgres;
using Emporium.Sources.Reviews;
using Emporium.Sources.UserBehaviour;
using Microsoft.Extensions.Logging;

namespace Emporium.Orchestration.Dags;

/// <summary>Seed 004: <c>user_purchase</c> for <c>ds</c> from PostgreSQL (COPY out) → <c>stage/user_purchase/ds=…</c>
/// → classify the movie reviews file → <c>stage/movie_review/ds=…</c> → <c>user_behavior_metric</c> replaced for
/// <c>ds</c>. Parameters (also <c>EMPORIUM__DAGS__USER_BEHAVIOUR__…</c>): <c>purchases_from</c> (<c>postgres</c>, or
/// <c>orders</c>: the warehouse's orders dataset, see <see cref="OrdersPurchaseExtractor"/>), <c>pg_connection</c> (required for postgres),
/// <c>pg_table</c>, <c>pg_date_column</c>, <c>pg_query</c> (with <c>{ds}</c>), <c>movie_reviews</c> (a
/// <c>cid,review_str</c> CSV; when unset a demo file is generated for the day's customers), <c>training_reviews</c>
/// (rated reviews as JSON lines for the ML model; when unset the seed's rule classifies), <c>classifier</c>
/// (<c>ml</c> or <c>rule</c>).</summary>
public sealed class UserBehaviourDag : IDagDefinition
{
    public Dag Build() => Dag.Create("user_behaviour")
        .Describe("PostgreSQL user_purchase → stage → classified movie reviews → user_behavior_metric (seed 004)")
        .Schedule("@daily")
        .StartDate(new DateOnly(2010, 12, 1))
        .MaxActiveRuns(1)
        .Param("purchases_from", "postgres")
        .Param("pg_connection", null)
        .Param("pg_table", new PostgresSourceOptions().Table)
        .Param("pg_date_column", new PostgresSourceOptions().DateColumn)
        .Param("pg_query", null)
        .Param("movie_reviews", null)
        .Param("training_reviews", null)
        .Param("classifier", "ml")
        .Task("extract_user_purchase", ExtractPurchases, t => t.Retries(2, TimeSpan.FromMinutes(1)))
        .Task("classify_movie_reviews", ClassifyReviews, t => t.DependsOn("extract_user_purchase"))
        .Task("user_behavior_metric", Metric, t => t.DependsOn("extract_user_purchase", "classify_movie_reviews"));

    private static async Task ExtractPurchases(TaskContext ctx)
    {
        var from = ctx.Param("purchases_from", "postgres");
        if (string.Equals(from, "orders", StringComparison.OrdinalIgnoreCase))
        {
            var lines = await new OrdersPurchaseExtractor(DagServices.Warehouse(ctx), DagServices.Lake(ctx)).ExtractAsync(ctx.Ds, ctx.CancellationToken);
            ctx.Log.LogInformation("extracted {Rows} order line(s) of the orders dataset to {Path}", lines.Rows, lines.Path);
            ctx.Push("path", lines.Path);
            return;
        }
        if (!string.Equals(from, "postgres", StringComparison.OrdinalIgnoreCase))
        {
            throw new DagParameterException($"DAG 'user_behaviour': purchases_from must be 'postgres' or 'orders', not '{from}'");
        }
        string connection;
        try
        {
            connection = ctx.Param("pg_connection");
        }
        catch (DagParameterException e)
        {
            // The purchases come from PostgreSQL by default; the other source needs no connection at all.
            throw new DagParameterException($"{e.Message}; or read the warehouse's orders dataset instead with --param purchases_from=orders", e);
        }
        var options = new PostgresSourceOptions
        {
            ConnectionString = connection,
            Table = ctx.Param("pg_table", new PostgresSourceOptions().Table),
            DateColumn = ctx.Param("pg_date_column", new PostgresSourceOptions().DateColumn),
            Query = ctx.Param<string?>("pg_query", null),
        };
        PostgresExtract extract;
        try
        {
            extract = await new PostgresExtractor(DagServices.Lake(ctx)).ExtractAsync(options, ctx.Ds, ctx.CancellationToken);
        }
        catch (ArgumentException e)
        {
            // The extractor refuses a table or column that is not a plain identifier: a setting, not worth a retry.
            throw new DagParameterException($"DAG 'user_behaviour' task 'extract_user_purchase': {e.Message}", e);
        }
        await using (var staged = await DagServices.Lake(ctx).OpenReadAsync(extract.Path, ctx.CancellationToken)
                           ?? throw new FileNotFoundException($"stage file missing right after the extract: {extract.Path}"))
        {
            try
            {
                await UserBehaviourStageReader.CheckPurchaseColumnsAsync(staged, ctx.CancellationToken);
            }
            catch (InvalidDataException e)
            {
                // The table or query is a setting: no retry would give it the column.
                throw new DagParameterException($"DAG 'user_behaviour' task 'extract_user_purchase': {e.Message}; set pg_table or pg_query to give them", e);
            }
        }
        ctx.Log.LogInformation("extracted {Rows} row(s) to {Path}", extract.Rows, extract.Path);
        ctx.Push("path", extract.Path);
    }

    private static async Task ClassifyReviews(TaskContext ctx)
    {
        var lake = DagServices.Lake(ctx);
        var classifier = await ChooseClassifierAsync(ctx);
        Stream reviews;
        if (ctx.Param<string?>("movie_reviews", null) is { Length: > 0 } file)
        {
            reviews = File.OpenRead(DagServices.ResolvePath(ctx, file));
        }
        else
        {
            // The seed's reviews file is not shipped: write a deterministic demo file for the day's customers.
            var customers = await ReadCustomersAsync(ctx);
            var csv = new StringWriter(CultureInfo.InvariantCulture);
            var count = MovieReviewGenerator.Write(csv, customers, seed: ctx.Ds.DayNumber);
            ctx.Log.LogWarning("movie_reviews not set: generated {Count} demo review(s) for {Customers} customer(s)", count, customers.Count);
            reviews = new MemoryStream(Encoding.UTF8.GetBytes(csv.ToString()));
        }
        await using (reviews)
        {
            var result = await new MovieReviewClassification(lake).ClassifyAsync(reviews, classifier, ctx.Ds, ctx.CancellationToken);
            ctx.Log.LogInformation("{Rows} review(s) classified by {Classifier}: {Positive} positive (seed rule: {Rule}); {Skipped} skipped; {Path}",
                result.Rows, result.Classifier, result.Positive, result.RulePositive, result.Skipped, result.Path);
            ctx.Push("path", result.Path);
        }
    }

    private static async Task Metric(TaskContext ctx)
    {
        var lake = DagServices.Lake(ctx);
        PurchaseLines purchases;
        await using (var stream = await lake.OpenReadAsync(StageZone.File("user_purchase", ctx.Ds, "user_purchase.csv"), ctx.CancellationToken)
                     ?? throw new FileNotFoundException("stage file of user_purchase missing; run extract_user_purchase"))
        {
            purchases = await UserBehaviourStageReader.ReadPurchasesAsync(stream, ctx.CancellationToken);
        }
        IReadOnlyList<CustomerReview> reviews;
        await using (var stream = await lake.OpenReadAsync(StageZone.File(MovieReviewClassification.StageName, ctx.Ds, "movie_review.csv"), ctx.CancellationToken)
                     ?? throw new FileNotFoundException("stage file of movie_review missing; run classify_movie_reviews"))
        {
            reviews = await UserBehaviourStageReader.ReadReviewsAsync(stream, ctx.CancellationToken);
        }
        if (purchases.WithoutCustomer + purchases.WithoutAmount > 0)
        {
            ctx.Log.LogWarning("user_purchase: {WithoutCustomer} line(s) without a customer id left out; {WithoutAmount} line(s) without quantity or unit price add nothing to the amount",
                purchases.WithoutCustomer, purchases.WithoutAmount);
        }
        var rows = UserBehaviorMetric.Compute(purchases.Lines, reviews, ctx.Ds);
        await UserBehaviorMetricWriter.WriteAsync(DagServices.Warehouse(ctx), rows, ctx.Ds, ctx.CancellationToken);
        ctx.Log.LogInformation("user_behavior_metric for {Ds}: {Rows} customer(s), {Amount} spent in total", ctx.DsString, rows.Count, rows.Sum(r => r.AmountSpent));
    }

    private static async Task<IReviewClassifier> ChooseClassifierAsync(TaskContext ctx)
    {
        var training = ctx.Param<string?>("training_reviews", null);
        if (!string.Equals(ctx.Param("classifier", "ml"), "ml", StringComparison.OrdinalIgnoreCase))
        {
            return new SeedRuleClassifier();
        }
        if (string.IsNullOrWhiteSpace(training))
        {
            ctx.Log.LogWarning("training_reviews not set: classifying with the seed's rule");
            return new SeedRuleClassifier();
        }
        var rated = RatedReviewReader.ReadJsonLines(DagServices.ResolvePath(ctx, training));
        var (train, test) = HoldoutSplit.Split(rated);
        var cached = await new ReviewModelCache(DagServices.Lake(ctx), ctx.Log).GetOrTrainAsync(train, seed: 42, ctx.CancellationToken);
        var (positiveRecall, negativeRecall) = HoldoutSplit.Recall(cached.Model, test);
        ctx.Log.LogInformation("ML classifier {How} {Path} ({Train} training review(s)); held-out accuracy {Ml:P1} (seed rule {Rule:P1}, {Test} reviews), "
            + "recall on the {Negatives} negative review(s) {NegativeRecall:P1}, on the positive ones {PositiveRecall:P1}",
            cached.Loaded ? "loaded from" : "trained and saved to", cached.Path, train.Count,
            HoldoutSplit.Accuracy(cached.Model, test), HoldoutSplit.Accuracy(new SeedRuleClassifier(), test), test.Count,
            test.Count(r => !r.Positive), negativeRecall, positiveRecall);
        ctx.Push("model", cached.Path);
        ctx.Push("model_loaded", cached.Loaded);
        return cached.Model;
    }

    private static async Task<IReadOnlyList<long>> ReadCustomersAsync(TaskContext ctx)
    {
        await using var stream = await DagServices.Lake(ctx).OpenReadAsync(StageZone.File("user_purchase", ctx.Ds, "user_purchase.csv"), ctx.CancellationToken)
            ?? throw new FileNotFoundException("stage file of user_purchase missing");
        var purchases = await UserBehaviourStageReader.ReadPurchasesAsync(stream, ctx.CancellationToken);
        return purchases.Lines.Select(p => p.CustomerId).Distinct().Order().ToList();
    }
}
