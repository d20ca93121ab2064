using System.Globalization;
using Emporium.Batch.Loading;
using Emporium.Datasets;
using Emporium.Lake;
using Emporium.Orchestration;
using Emporium.Orchestration.Dags;
using Emporium.Tests.Sources.Postgres;
using Emporium.Tests.TestSupport;

namespace Emporium.Tests.Orchestration.Dags;

[Collection(PostgresCollection.Name)]
public sealed class UserBehaviourDagTests(PostgresServer server)
{
    private static readonly DateOnly Ds = new(2010, 12, 2);

    [Fact]
    public async Task User_behaviour_on_real_postgres_for_2010_12_02_and_a_rerun_gives_the_same_table()
    {
        var db = await server.CreateDatabaseAsync("behaviour");
        await UserPurchaseTable.LoadSampleAsync(db);
        await using var harness = new SeedDagHarness(new UserBehaviourDag());
        var parameters = new Dictionary<string, string?>
        {
            ["pg_connection"] = db,
            ["training_reviews"] = SampleData.McAuleyReviews,
        };

        var run = new RunKey("user_behaviour", Ds.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc));
        var staged = harness.Lake.Resolve("stage/movie_review/ds=2010-12-02/movie_review.csv");
        await harness.RunAsync(Ds, parameters);
        var first = await harness.QueryAsync("SELECT customer_id, amount_spent, review_score, review_count, insert_date FROM user_behavior_metric ORDER BY customer_id");
        var firstLabels = await File.ReadAllTextAsync(staged);
        Assert.Equal("false", harness.Store.XComs(run, "classify_movie_reviews")["model_loaded"]);
        await harness.RunAsync(Ds, parameters);
        var second = await harness.QueryAsync("SELECT customer_id, amount_spent, review_score, review_count, insert_date FROM user_behavior_metric ORDER BY customer_id");

        Assert.Equal(first, second);
        // The re-run loaded the model the first run trained and saved, and it labelled every review the same way.
        Assert.Equal("true", harness.Store.XComs(run, "classify_movie_reviews")["model_loaded"]);
        Assert.Equal(firstLabels, await File.ReadAllTextAsync(staged));
        Assert.Contains("loaded from models/review_sentiment/", harness.Log(Ds, "classify_movie_reviews"));
        Assert.Contains("held-out accuracy", harness.Log(Ds, "classify_movie_reviews"));

        // Independent computation: purchases from the sample file, reviews from the staged classification.
        var purchases = PostgresExtractorTests.ReadCsv(SampleData.UserPurchase)
            .Where(r => !string.IsNullOrEmpty(r["customer_id"]))
            .GroupBy(r => long.Parse(r["customer_id"]!))
            .ToDictionary(g => g.Key, g => g.Sum(r => long.Parse(r["quantity"]!) * decimal.Parse(r["unit_price"]!, CultureInfo.InvariantCulture)));
        var reviews = PostgresExtractorTests.ReadCsv(harness.Lake.Resolve("stage/movie_review/ds=2010-12-02/movie_review.csv"))
            .GroupBy(r => long.Parse(r["cid"]!))
            .ToDictionary(g => g.Key, g => (Positive: g.LongCount(r => r["positive_review"] == "true"), Count: g.LongCount()));
        Assert.Equal(purchases.Count, first.Count);
        foreach (var row in first)
        {
            var id = (long)row[0]!;
            Assert.Equal((double)purchases[id], (double)row[1]!, 9);
            var (positive, count) = reviews.GetValueOrDefault(id);
            Assert.Equal(positive, row[2]);
            Assert.Equal(count, row[3]);
            Assert.Equal(new DateTime(2010, 12, 2), row[4]);
        }
        Assert.Contains(first, r => (long)r[3]! > 0);
        Assert.Contains(first, r => (long)r[3]! == 0);
    }

    /// <summary>The same seed export loaded as the orders dataset instead of into PostgreSQL: the metric reads the
    /// day's lines from the warehouse and equals the sums computed from the file.</summary>
    [Fact]
    public async Task Purchases_from_the_orders_dataset_give_the_metric_of_the_loaded_file()
    {
        await using var harness = new SeedDagHarness(new UserBehaviourDag());
        await harness.Warehouse.InitializeAsync(LoadSpec.Loadable, CancellationToken.None);
        var loader = new BatchLoader(harness.Warehouse, harness.Lake, new ParquetWriter(Path.Combine(harness.DataDir, "tmp")), RecordNormalizer.Instance, TimeProvider.System);
        var loaded = await loader.LoadAsync([SampleData.UserPurchase], new BatchLoadRequest(DatasetCatalog.Orders), null, CancellationToken.None);
        Assert.Equal(0, loaded.RowsRejected);

        var run = await harness.RunAsync(Ds, new Dictionary<string, string?> { ["purchases_from"] = "orders", ["classifier"] = "rule" });

        Assert.Equal(RunState.Success, run.State);
        var file = PostgresExtractorTests.ReadCsv(SampleData.UserPurchase);
        var staged = PostgresExtractorTests.ReadCsv(harness.Lake.Resolve("stage/user_purchase/ds=2010-12-02/user_purchase.csv"));
        Assert.Equal(file.Count, staged.Count);
        Assert.Equal(file[0].Keys, staged[0].Keys);
        Assert.Contains($"extracted {file.Count} order line(s)", harness.Log(Ds, "extract_user_purchase"), StringComparison.Ordinal);
        var purchases = file
            .Where(r => !string.IsNullOrEmpty(r["customer_id"]))
            .GroupBy(r => long.Parse(r["customer_id"]!, CultureInfo.InvariantCulture))
            .ToDictionary(g => g.Key, g => g.Sum(r => long.Parse(r["quantity"]!, CultureInfo.InvariantCulture) * decimal.Parse(r["unit_price"]!, CultureInfo.InvariantCulture)));
        var metric = await harness.QueryAsync("SELECT customer_id, amount_spent FROM user_behavior_metric ORDER BY customer_id");
        Assert.Equal(purchases.Keys.Order(), metric.Select(r => (long)r[0]!));
        Assert.All(metric, r => Assert.Equal((double)purchases[(long)r[0]!], (double)r[1]!, 9));
    }

    [Fact]
    public async Task An_unknown_purchase_source_fails_the_extract_at_once_and_names_both_choices()
    {
        var (log, state) = await FirstExtractAsync(new() { ["purchases_from"] = "mysql" });
        Assert.Contains("purchases_from must be 'postgres' or 'orders', not 'mysql'", log, StringComparison.Ordinal);
        Assert.Equal(TaskState.Failed, state);
    }

    [Fact]
    public async Task A_missing_connection_string_fails_the_extract_at_once_naming_it_and_the_other_source()
    {
        var (log, state) = await FirstExtractAsync(new() { ["pg_connection"] = "" });
        Assert.Contains("parameter 'pg_connection' is not set", log, StringComparison.Ordinal);
        Assert.Contains("--param purchases_from=orders", log, StringComparison.Ordinal);
        // A setting, not the moment, is wrong: no retries spent on it (the task has two, a minute apart).
        Assert.Equal(TaskState.Failed, state);
    }

    [Fact]
    public async Task A_table_name_that_is_not_an_identifier_fails_the_extract_at_once()
    {
        var (log, state) = await FirstExtractAsync(new() { ["pg_connection"] = "Host=127.0.0.1;Port=1;Database=x", ["pg_table"] = "purchases; DROP TABLE x" });
        Assert.Contains("'purchases; DROP TABLE x' is not a plain [schema.]name identifier", log, StringComparison.Ordinal);
        Assert.Equal(TaskState.Failed, state);
    }

    [Fact]
    public async Task A_query_without_a_column_the_metric_reads_fails_the_extract_at_once_naming_it()
    {
        // It failed two tasks later, in classify, with "Index was outside the bounds of the array".
        var db = await server.CreateDatabaseAsync("behaviour_columns");
        await UserPurchaseTable.LoadSampleAsync(db);
        var (log, state) = await FirstExtractAsync(new()
        {
            ["pg_connection"] = db,
            ["pg_query"] = "SELECT quantity, unit_price, customer_id AS cust FROM retail.user_purchase WHERE CAST(invoice_date AS date) = {ds}",
        });

        Assert.Contains("user_purchase has no column 'customer_id' (its columns: quantity, unit_price, cust); the metric reads customer_id, quantity, unit_price", log, StringComparison.Ordinal);
        Assert.Equal(TaskState.Failed, state);
    }

    private static async Task<(string Log, TaskState State)> FirstExtractAsync(Dictionary<string, string?> parameters)
    {
        await using var harness = new SeedDagHarness(new UserBehaviourDag());
        return await harness.FirstTryAsync(Ds, parameters, "extract_user_purchase");
    }
}
