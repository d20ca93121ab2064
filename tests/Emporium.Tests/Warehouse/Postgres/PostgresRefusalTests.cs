using System.Net;
using System.Text.Json;
using Emporium.Tests.Cli;
using Emporium.Tests.TestSupport;
using Emporium.Warehouse.Postgres;

namespace Emporium.Tests.Warehouse.Postgres;

/// <summary>Records ingest accepted that PostgreSQL refuses: a key too long for its primary key's index (SQLSTATE
/// 54000), a row against a CHECK constraint an operator added (23514). Each stopped the stream behind it, its batch
/// retried forever. A refused record is now a dead letter with PostgreSQL's reason, and the records around it land;
/// a key over the dataset's key limit no longer gets that far: ingest rejects it (a dead letter too, with the rules'
/// reason).</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresRefusalTests(PostgresServer server)
{
    [Fact]
    public async Task Records_postgres_refuses_are_dead_letters_and_the_stream_goes_on()
    {
        var database = await server.CreateDatabaseAsync("refusals");
        await using var host = await TestHost.StartEmbeddedAsync(flags: new Dictionary<string, string?> { ["Warehouse"] = server.AddressFor(database), ["Partitions"] = "1" });
        await using var warehouse = new PostgresWarehouse(new PostgresWarehouseOptions { ConnectionString = database });
        await warehouse.ExecuteAsync("ALTER TABLE products ADD CONSTRAINT price_cap CHECK (price < 1000)", CancellationToken.None);
        var random = new Random(7);
        var longAsin = new string(Enumerable.Range(0, 6000).Select(_ => (char)random.Next('A', 'Z' + 1)).ToArray());
        var lines = Enumerable.Range(0, 20).Select(i => Product($"B{i:D9}", 10 + i)).ToList();
        lines.Insert(5, Product(longAsin, 12));
        lines.Insert(12, Product("B0EXPENSIVE", 5000));

        var response = await host.Client.PostAsync("/api/v1/ingest/products", TestHost.Json(string.Join('\n', lines), "application/x-ndjson"));
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var answer = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal((21, 1), (answer.GetProperty("accepted").GetInt32(), answer.GetProperty("rejected").GetInt32()));
        Assert.Equal("asin", answer.GetProperty("errors")[0].GetProperty("field").GetString());
        await WaitAsync(async () => await CountAsync(warehouse, "dead_letters") == 2 && await CountAsync(warehouse, "products") == 20);
        // The stream is not stuck behind them: a later record lands.
        response = await host.Client.PostAsync("/api/v1/ingest/products", TestHost.Json(Product("B0LATER", 3)));
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        await WaitAsync(async () => await CountAsync(warehouse, "products") == 21);

        var letters = JsonDocument.Parse(await host.Client.GetStringAsync("/api/v1/deadletters?dataset=products")).RootElement.GetProperty("deadletters")
            .EnumerateArray().ToDictionary(l => JsonDocument.Parse(l.GetProperty("raw").GetString()!).RootElement.GetProperty("asin").GetString()!);
        Assert.Equal(["B0EXPENSIVE", longAsin], letters.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("the warehouse refused the record: new row for relation \"products\" violates check constraint \"price_cap\"",
            letters["B0EXPENSIVE"].GetProperty("errors")[0].GetProperty("error").GetString());
        Assert.Equal("a key may have at most 1024 bytes of UTF-8, this one has 6000",
            letters[longAsin].GetProperty("errors")[0].GetProperty("error").GetString());
        Assert.StartsWith("log:products/0@", letters["B0EXPENSIVE"].GetProperty("source").GetString(), StringComparison.Ordinal);
        Assert.Contains("\nemporium_processor_refused_records_total 1\n", await host.Client.GetStringAsync("/metrics"), StringComparison.Ordinal);

        // A replay refuses the record again and keeps one dead letter for it, not a second copy.
        response = await host.Client.PostAsync("/api/v1/replay", TestHost.Json("""{"dataset":"products","fromOffset":0}"""));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await WaitAsync(async () => (await host.Client.GetStringAsync("/metrics")).Contains("\nemporium_processor_refused_records_total 2\n", StringComparison.Ordinal));
        Assert.Equal(2, await CountAsync(warehouse, "dead_letters"));
        Assert.Equal(21, await CountAsync(warehouse, "products"));
    }

    private static string Product(string asin, double price) =>
        JsonSerializer.Serialize(new { asin, title = "Lamp " + asin[..Math.Min(8, asin.Length)], price, category_id = 1 });

    private static async Task<long> CountAsync(PostgresWarehouse warehouse, string table) =>
        Emporium.Warehouse.WarehouseValues.Long((await warehouse.QueryAsync($"SELECT count(*) FROM {table}", CancellationToken.None)).Rows[0][0]);

    private static async Task WaitAsync(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(90);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "timed out waiting for the stream processor");
            await Task.Delay(50);
        }
    }
}
