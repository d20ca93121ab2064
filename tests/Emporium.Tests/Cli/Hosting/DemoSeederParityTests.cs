using System.Text.Json.Nodes;
using Emporium.Marts;
using Emporium.Tests.TestSupport;

namespace Emporium.Tests.Cli.Hosting;

/// <summary>Two demo servers, one on the embedded DuckDB and one on PostgreSQL, seeded alike: the whole path — ingest,
/// stream processor, the DAGs (the user_behaviour metric with its trained review model, the seller catalog and its
/// alerts) and the marts — publishes the same answers on both, as the HTTP API writes them. The PostgreSQL database
/// sorts text linguistically (ICU en-US), as a server initdb'd with such a locale does.</summary>
[Collection(PostgresCollection.Name)]
public sealed class DemoSeederParityTests(PostgresServer server)
{
    [Fact]
    public async Task Demo_servers_on_duckdb_and_on_postgres_publish_the_same_marts_and_alerts()
    {
        await using var duck = await DemoSeederTests.StartSeededAsync(new StringWriter());
        await using var pg = await DemoSeederTests.StartSeededAsync(new StringWriter(), server.AddressFor(await server.CreateDatabaseAsync("demo_parity", "en-US")));
        using var duckHttp = new HttpClient { BaseAddress = new Uri(duck.Host.Url) };
        using var pgHttp = new HttpClient { BaseAddress = new Uri(pg.Host.Url) };

        foreach (var mart in MartCatalog.All)
        {
            var path = $"api/v1/marts/{mart.Name}?limit={MartService.MaxLimit}";
            var expected = await duckHttp.GetStringAsync(path);
            Assert.True(JsonNode.Parse(expected)!["rows"]!.AsArray().Count > 0, $"{mart.Name}: no rows");
            Assert.Equal(expected, await pgHttp.GetStringAsync(path));
        }
        // Each server stamps its alerts with the time it detected them; everything else is the same.
        var alerts = await Alerts(duckHttp);
        Assert.NotEmpty(alerts);
        Assert.Equal(alerts, await Alerts(pgHttp));
    }

    private static async Task<List<string>> Alerts(HttpClient http)
    {
        var feed = JsonNode.Parse(await http.GetStringAsync("api/v1/alerts?limit=1000"))!["alerts"]!.AsArray();
        return feed.Select(a =>
        {
            var copy = a!.DeepClone().AsObject();
            copy.Remove("detectedAt");
            return copy.ToJsonString();
        }).ToList();
    }
}
