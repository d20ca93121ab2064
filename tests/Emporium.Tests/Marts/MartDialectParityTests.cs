using Emporium.Datasets;
using Emporium.Log;
using Emporium.Marts;
using Emporium.Tests.Datasets;
using Emporium.Tests.TestSupport;
using Emporium.Warehouse;
using Emporium.Warehouse.DuckDb;
using Emporium.Warehouse.Postgres;

namespace Emporium.Tests.Marts;

/// <summary>Every mart, rendered from its one definition into each dialect, gives the same rows on DuckDB and on a
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

    [Theory]
    [MemberData(nameof(Marts))]
    public async Task A_mart_gives_the_same_rows_on_duckdb_and_postgres(string name)
    {
        var mart = MartCatalog.Find(name)!;
        var duck = await _duck.QueryAsync(mart.ReadSql(SqlDialect.DuckDb, null), CancellationToken.None);
        var pg = await _pg.QueryAsync(mart.ReadSql(SqlDialect.Postgres, null), CancellationToken.None);

        Assert.NotEmpty(duck.Rows);
        Assert.Equal(duck.Columns.Select(c => c.Name), pg.Columns.Select(c => c.Name));
        Assert.Equal(duck.Rows.Count, pg.Rows.Count);
        // ORDER BY may leave ties in either order, so compare as sorted multisets of normalized rows.
        Assert.Equal(Canonical(duck), Canonical(pg));
    }

    private static List<string> Canonical(QueryResult result) => MartRowText.Rows(result).Order(StringComparer.Ordinal).ToList();
}
