using System.Text.Json;
using Emporium.Cli.Web;
using Emporium.Datasets;
using Emporium.Log;
using Emporium.Marts;
using Emporium.Sources;
using Emporium.Sources.SellerCatalog;
using Emporium.Tests.Datasets;
using Emporium.Tests.Orchestration.Dags;
using Emporium.Tests.TestSupport;
using Emporium.Warehouse;
using Emporium.Warehouse.DuckDb;
using Emporium.Warehouse.Postgres;

namespace Emporium.Tests.Marts;

/// <summary>Every mart, rendered from its one definition into each dialect, gives the same answer on DuckDB and on a
/// real PostgreSQL 15 when both hold the real samples loaded through the same normalizer, cleaners and commit path.</summary>
[Collection(PostgresCollection.Name)]
public sealed class MartDialectParityTests(PostgresServer server) : IAsyncLifetime
{
    private readonly TempDir _dir = new("parity");
    private DuckDbWarehouse _duck = null!;
    private PostgresWarehouse _pg = null!;
    private Dictionary<string, int> _loaded = [];

    public async Task InitializeAsync()
    {
        _duck = new DuckDbWarehouse(new DuckDbWarehouseOptions { Path = _dir.Combine("w.duckdb") });
        _pg = new PostgresWarehouse(new PostgresWarehouseOptions { ConnectionString = await server.CreateDatabaseAsync("parity") });
        var batch = SampleBatch();
        _loaded = batch.Rows.ToDictionary(r => r.Schema.Name, r => r.Records.Count);
        foreach (var warehouse in new IWarehouse[] { _duck, _pg })
        {
            await warehouse.InitializeAsync([.. DatasetCatalog.All, .. SeedDatasets.All], CancellationToken.None);
            await warehouse.CommitAsync(batch, CancellationToken.None);
        }
    }

    public async Task DisposeAsync()
    {
        await _duck.DisposeAsync();
        await _pg.DisposeAsync();
        _dir.Dispose();
    }

    private static WarehouseBatch SampleBatch()
    {
        var normalizer = RecordNormalizer.Instance;
        List<CanonicalRecord> Valid(DatasetSchema schema, IEnumerable<NormalizeResult> results) =>
            results.Where(r => r.IsValid).Select(r => r.Record!).ToList();
        // Seed 002's marts: the real captured search response cleaned as the seller_catalog DAG cleans it, for two
        // sellers, one of them on two days (the marts read each seller's latest day), and the distributors' file of the
        // DAG tests; seed 004's metric: the real behaviour metrics export on two days.
        var response = File.ReadAllBytes(SampleData.SellerSearchResponse);
        var snapshots = new[] { ("seller-a", new DateOnly(2024, 9, 15)), ("seller-a", new DateOnly(2024, 9, 16)), ("seller-b", new DateOnly(2024, 9, 16)) };
        var offers = snapshots.Select(s => (Seller: s.Item1, Day: s.Item2, Rows: SellerOfferCleaner.Clean(s.Item1, s.Item2, [(1, response)]).Rows)).ToList();
        var metrics = SampleRows.Csv(SampleData.BehaviourMetrics).Select((r, i) => normalizer.Normalize(SeedDatasets.UserBehaviorMetric, new Dictionary<string, string?>
        {
            ["customer_id"] = r["customer_id"], ["amount_spent"] = r["amount_spent"], ["review_score"] = r["num_positive_reviews"],
            ["review_count"] = r["num_reviews"], ["insert_date"] = i % 2 == 0 ? "2024-09-15" : "2024-09-16",
        }));
        return new WarehouseBatch(
        [
            new(DatasetCatalog.Categories, Valid(DatasetCatalog.Categories, SampleRows.Csv(SampleData.CategoriesCsv).Select(r => normalizer.Normalize(DatasetCatalog.Categories, r))), "sample:categories"),
            new(DatasetCatalog.Products, Valid(DatasetCatalog.Products, SampleRows.Csv(SampleData.ProductsCsv).Select(r => normalizer.Normalize(DatasetCatalog.Products, r))), "sample:products"),
            new(DatasetCatalog.Reviews, Valid(DatasetCatalog.Reviews, SampleRows.JsonLines(SampleData.McAuleyReviews).Select(e => normalizer.Normalize(DatasetCatalog.Reviews, e))), "sample:reviews"),
            new(DatasetCatalog.Orders, Valid(DatasetCatalog.Orders, SampleRows.Csv(SampleData.OnlineRetail).Select(r => normalizer.Normalize(DatasetCatalog.Orders, r))), "sample:orders"),
            new(SeedDatasets.SellerOffers, offers.SelectMany(o => o.Rows).ToList(), "sample:seller_offers"),
            new(SeedDatasets.SellerSnapshots, Valid(SeedDatasets.SellerSnapshots, offers.Select(o => normalizer.Normalize(SeedDatasets.SellerSnapshots, new Dictionary<string, string?>
            {
                ["seller_id"] = o.Seller, ["snapshot_date"] = o.Day.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), ["offers"] = $"{o.Rows.Count}",
            }))), "sample:seller_snapshots"),
            new(SeedDatasets.SupplierProducts, Valid(SeedDatasets.SupplierProducts, SellerCatalogDagTests.Suppliers.Select(p => normalizer.Normalize(SeedDatasets.SupplierProducts, new Dictionary<string, string?>
            {
                ["asin"] = p.Asin, ["distributor"] = p.Distributor, ["cost"] = p.Cost.ToString(System.Globalization.CultureInfo.InvariantCulture), ["stock"] = $"{p.Stock}",
            }))), "sample:supplier_products"),
            new(SeedDatasets.UserBehaviorMetric, Valid(SeedDatasets.UserBehaviorMetric, metrics), "sample:user_behavior_metric"),
        ], "parity", new Dictionary<TopicPartition, long>());
    }

    public static TheoryData<string> Marts()
    {
        var data = new TheoryData<string>();
        foreach (var mart in MartCatalog.All)
        {
            data.Add(mart.Name);
        }
        return data;
    }

    [Fact]
    public void Every_sample_dataset_was_loaded()
    {
        Assert.All(DatasetCatalog.All, s => Assert.True(_loaded[s.Name] > 100, $"{s.Name}: {_loaded[s.Name]} rows"));
        Assert.All(new[] { SeedDatasets.SellerOffers, SeedDatasets.SellerSnapshots, SeedDatasets.SupplierProducts, SeedDatasets.UserBehaviorMetric },
            s => Assert.True(_loaded[s.Name] > 2, $"{s.Name}: {_loaded[s.Name]} rows"));
    }

    public static TheoryData<string, int?> MartsAndLimits()
    {
        var data = new TheoryData<string, int?>();
        foreach (var name in Marts())
        {
            data.Add(name, null);
            data.Add(name, MartService.MaxLimit);
        }
        return data;
    }

    /// <summary>What the HTTP API answers, compared as its JSON: the same columns with the same declared types, the
    /// same rows in the same order (the presentation order breaks every tie), every value spelled the same to the last
    /// digit of a double.</summary>
    [Theory]
    [MemberData(nameof(MartsAndLimits))]
    public async Task A_mart_gives_the_same_answer_on_duckdb_and_postgres(string name, int? limit)
    {
        var duck = await new MartService(_duck).QueryAsync(name, limit, CancellationToken.None);
        var pg = await new MartService(_pg).QueryAsync(name, limit, CancellationToken.None);

        Assert.NotEmpty(duck.Rows);
        Assert.Equal(duck.Columns, pg.Columns);
        Assert.Equal(duck.Truncated, pg.Truncated);
        Assert.Equal(Json(duck), Json(pg));
    }

    private static List<string> Json(QueryResult result) =>
        result.Rows.Select(r => JsonSerializer.Serialize(r, ResultJson.Options)).ToList();

}
