using System.Text.Json;
using Emporium.Cli.Web;
using Emporium.Datasets;
using Emporium.Log;
using Emporium.Marts;
using Emporium.Tests.Datasets;
using Emporium.Tests.TestSupport;
using Emporium.Warehouse;
using Emporium.Warehouse.DuckDb;
using Emporium.Warehouse.Postgres;

namespace Emporium.Tests.Marts;

/// <summary>Every mart, rendered from its one definition into each dialect, gives the same answer on DuckDB and on a
/// real PostgreSQL 15 when both hold the real samples loaded through the same normalizer and commit path.</summary>
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
            await warehouse.InitializeAsync(DatasetCatalog.All, CancellationToken.None);
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
        return new WarehouseBatch(
        [
            new(DatasetCatalog.Categories, Valid(DatasetCatalog.Categories, SampleRows.Csv(SampleData.CategoriesCsv).Select(r => normalizer.Normalize(DatasetCatalog.Categories, r))), "sample:categories"),
            new(DatasetCatalog.Products, Valid(DatasetCatalog.Products, SampleRows.Csv(SampleData.ProductsCsv).Select(r => normalizer.Normalize(DatasetCatalog.Products, r))), "sample:products"),
            new(DatasetCatalog.Reviews, Valid(DatasetCatalog.Reviews, SampleRows.JsonLines(SampleData.McAuleyReviews).Select(e => normalizer.Normalize(DatasetCatalog.Reviews, e))), "sample:reviews"),
            new(DatasetCatalog.Orders, Valid(DatasetCatalog.Orders, SampleRows.Csv(SampleData.OnlineRetail).Select(r => normalizer.Normalize(DatasetCatalog.Orders, r))), "sample:orders"),
        ], "parity", new Dictionary<TopicPartition, long>());
    }

    public static TheoryData<string> Marts()
    {
        var data = new TheoryData<string>();
        foreach (var mart in MartCatalog.All.Where(m => m.DependsOn.All(d => DatasetCatalog.All.Any(s => s.Name == d))))
        {
            data.Add(mart.Name);
        }
        return data;
    }

    [Fact]
    public void Every_sample_dataset_was_loaded() =>
        Assert.All(DatasetCatalog.All, s => Assert.True(_loaded[s.Name] > 100, $"{s.Name}: {_loaded[s.Name]} rows"));

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
