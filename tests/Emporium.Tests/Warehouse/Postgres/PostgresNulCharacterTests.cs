using System.Text.Json;
using Emporium.Datasets;
using Emporium.Ingest;
using Emporium.Log;
using Emporium.Tests.TestSupport;
using Emporium.Warehouse;
using Emporium.Warehouse.Postgres;

namespace Emporium.Tests.Warehouse.Postgres;

/// <summary>PostgreSQL's text cannot hold U+0000. A record carrying one was accepted, and its batch failed every commit
/// (SQLSTATE 22021), so the stream stopped behind it; a dead letter quoting one did the same.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresNulCharacterTests(PostgresServer server)
{
    [Fact]
    public async Task A_record_with_a_nul_character_is_a_dead_letter_and_the_batch_lands()
    {
        await using var warehouse = new PostgresWarehouse(new PostgresWarehouseOptions { ConnectionString = await server.CreateDatabaseAsync("nul") });
        await warehouse.InitializeAsync(DatasetCatalog.Streamed, CancellationToken.None);
        var json = """{"asin":"NUL\u0000X","title":"t\u0000","price":1,"category_id":1}""";
        var fromJson = RecordNormalizer.Instance.Normalize(DatasetCatalog.Products, JsonDocument.Parse(json).RootElement);
        var fromCsv = RecordNormalizer.Instance.Normalize(DatasetCatalog.Products,
            new Dictionary<string, string?> { ["asin"] = "B0OK", ["title"] = "a\0b", ["price"] = "1", ["category_id"] = "1" });
        var good = RecordNormalizer.Instance.Normalize(DatasetCatalog.Products, JsonDocument.Parse("""{"asin":"B0GOOD","title":"fine","price":2,"category_id":1}""").RootElement);

        Assert.False(fromJson.IsValid);
        Assert.Contains(fromJson.Errors, e => e.Field == "asin" && e.Error == "contains a NUL character (U+0000), which text cannot hold");
        Assert.Equal([new FieldError("title", "contains a NUL character (U+0000), which text cannot hold")], fromCsv.Errors);
        // A line that is not JSON keeps its bytes, NUL included, as the dead letter's raw text.
        var letters = new[]
        {
            new DeadLetter("r1", "products", 0, "http:/api/v1/ingest/products", DateTimeOffset.UnixEpoch, fromJson.Errors, json),
            new DeadLetter("r2", "products", 1, "http:/api/v1/ingest/products", DateTimeOffset.UnixEpoch, [new FieldError("$", "not valid JSON: 'a\0' is an invalid start")], "ab\0cd"),
        }.Select(l => l.ToRecord()).ToList();

        await warehouse.CommitAsync(new WarehouseBatch(
            [new DatasetRows(DatasetCatalog.Products, [good.Record!], "log:products/0:0-0"), new DatasetRows(DatasetCatalog.DeadLetters, letters, "log:dead_letters/0:0-1")],
            "stream", new Dictionary<TopicPartition, long> { [new TopicPartition("products", 0)] = 1, [new TopicPartition("dead_letters", 0)] = 2 }), CancellationToken.None);

        Assert.Equal([["B0GOOD"]], (await warehouse.QueryAsync("SELECT asin FROM products", CancellationToken.None)).Rows.Select(r => r.ToArray()));
        var stored = (await warehouse.QueryAsync("SELECT raw, error FROM dead_letters ORDER BY record_index", CancellationToken.None)).Rows;
        Assert.Equal(["ab\uFFFDcd", "not valid JSON: 'a\uFFFD' is an invalid start"], stored[1]);
        Assert.Equal(json, stored[0][0]);
    }
}
