using System.Globalization;
using Emporium.Datasets;
using Emporium.Log;
using Emporium.Tests.Datasets;
using Emporium.Tests.TestSupport;
using Emporium.Warehouse;
using Emporium.Warehouse.Postgres;

namespace Emporium.Tests.Warehouse.Postgres;

/// <summary>Each <see cref="PostgresLoadMethod"/> lands the real UCI orders (append) and McAuley reviews (upsert)
/// value for value: every order line, and the latest record of every review id, with nulls, timestamps and
/// doubles as the normalizer produced them.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresLoadMethodTests(PostgresServer server)
{
    private const int BatchSize = 2_000;

    private static readonly Lazy<List<CanonicalRecord>> Orders = new(() => Normalize(DatasetCatalog.Orders,
        SampleRows.Csv(SampleData.OnlineRetail).Select(r => RecordNormalizer.Instance.Normalize(DatasetCatalog.Orders, r))));

    private static readonly Lazy<List<CanonicalRecord>> Reviews = new(() => Normalize(DatasetCatalog.Reviews,
        SampleRows.JsonLines(SampleData.McAuleyReviews).Select(r => RecordNormalizer.Instance.Normalize(DatasetCatalog.Reviews, r))));

    [Theory]
    [InlineData(PostgresLoadMethod.BinaryCopy)]
    [InlineData(PostgresLoadMethod.MultiRowInsert)]
    [InlineData(PostgresLoadMethod.SingleRowInsert)]
    public async Task Every_method_lands_the_real_samples_value_for_value(PostgresLoadMethod method)
    {
        await using var warehouse = new PostgresWarehouse(new PostgresWarehouseOptions
        {
            ConnectionString = await server.CreateDatabaseAsync("load"),
            LoadMethod = method,
        });
        await warehouse.InitializeAsync(DatasetCatalog.All, CancellationToken.None);

        await CommitInBatchesAsync(warehouse, Orders.Value);
        await CommitInBatchesAsync(warehouse, Reviews.Value);

        Assert.Equal(Expected(Orders.Value), await StoredAsync(warehouse, DatasetCatalog.Orders));
        var latestReviews = Reviews.Value.GroupBy(r => r.Key).Select(g => g.Last()).ToList();
        Assert.True(latestReviews.Count < Reviews.Value.Count, "the sample repeats review ids, so the upsert is exercised");
        Assert.Equal(Expected(latestReviews), await StoredAsync(warehouse, DatasetCatalog.Reviews));
    }

    private static List<CanonicalRecord> Normalize(DatasetSchema schema, IEnumerable<NormalizeResult> results)
    {
        var records = results.Where(r => r.IsValid).Select(r => r.Record!).ToList();
        Assert.NotEmpty(records);
        Assert.All(records, r => Assert.Same(schema, r.Schema));
        return records;
    }

    private static async Task CommitInBatchesAsync(IWarehouse warehouse, List<CanonicalRecord> records)
    {
        var schema = records[0].Schema;
        var partition = new TopicPartition(schema.Name, 0);
        for (var start = 0; start < records.Count; start += BatchSize)
        {
            var batch = records.Skip(start).Take(BatchSize).ToList();
            var end = start + batch.Count;
            await warehouse.CommitAsync(new WarehouseBatch(
                [new DatasetRows(schema, batch, $"log:{schema.Name}/0:{start}-{end - 1}")],
                "stream", new Dictionary<TopicPartition, long> { [partition] = end }), CancellationToken.None);
        }
    }

    private static List<string> Expected(IEnumerable<CanonicalRecord> records) =>
        records.Select(r => string.Join('|', r.Values.Select(Text))).Order(StringComparer.Ordinal).ToList();

    private static async Task<List<string>> StoredAsync(IWarehouse warehouse, DatasetSchema schema)
    {
        var columns = string.Join(", ", schema.Columns.Select(c => $"\"{c.Name}\""));
        var result = await warehouse.QueryAsync($"SELECT {columns} FROM \"{schema.Name}\"", CancellationToken.None);
        return result.Rows.Select(row => string.Join('|', row.Select(Text))).Order(StringComparer.Ordinal).ToList();
    }

    private static string Text(object? value) => value switch
    {
        null => "∅",
        DateTime t => t.ToString("yyyy-MM-dd HH:mm:ss.fffffff", CultureInfo.InvariantCulture),
        DateTimeOffset o => o.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss.fffffff", CultureInfo.InvariantCulture),
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        _ => Convert.ToString(value, CultureInfo.InvariantCulture)!,
    };
}
