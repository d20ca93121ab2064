using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Emporium.Datasets;
using Emporium.Lake.Local;
using Emporium.Tests.TestSupport;
using Emporium.Warehouse.Postgres;

namespace Emporium.Tests.Cli.Web;

/// <summary><c>GET /health</c> over real backends: the embedded defaults are ok, and a PostgreSQL warehouse that goes
/// down is reported live: degraded (200) where ingest still takes records, 503 where the process cannot do its role.
/// Each case starts a PostgreSQL server of its own, since it stops it.</summary>
public sealed class HealthEndpointsTests
{
    [Fact]
    public async Task The_embedded_defaults_are_ok()
    {
        await using var host = await TestHost.StartEmbeddedAsync();
        var (status, body) = await HealthAsync(host);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("ok", body.GetProperty("status").GetString());
        Assert.Empty(body.GetProperty("unavailable").EnumerateObject());
    }

    [Fact]
    public async Task A_warehouse_that_goes_down_degrades_ingest_and_stops_a_scheduler()
    {
        var postgres = new PostgresCluster();
        await using var stop = postgres;
        await postgres.StartAsync();
        var database = await postgres.CreateDatabaseAsync("health");
        await using var all = await TestHost.StartEmbeddedAsync(flags: new Dictionary<string, string?> { ["Warehouse"] = postgres.AddressFor(database) });
        // A scheduler alone: the log and lake are stand-ins of a split deployment's shared ones.
        using var lake = new TempDir("health-lake");
        await using var scheduler = await TestHost.StartAsync(new InMemoryEventLog(), RecordNormalizer.Instance,
            new PostgresWarehouse(new PostgresWarehouseOptions { ConnectionString = database }), new LocalLakeStore(lake.Path),
            configure: o => o with { Role = "scheduler" });
        foreach (var host in new[] { all, scheduler })
        {
            var (status, body) = await HealthAsync(host);
            Assert.Equal((HttpStatusCode.OK, "ok"), (status, body.GetProperty("status").GetString()));
        }

        await postgres.DisposeAsync();

        var (allStatus, allBody) = await WaitForDownAsync(all);
        Assert.Equal((HttpStatusCode.OK, "degraded"), (allStatus, allBody.GetProperty("status").GetString()));
        Assert.StartsWith($"{postgres.AddressFor(database)} does not answer: ", allBody.GetProperty("unavailable").GetProperty("warehouse").GetString(), StringComparison.Ordinal);
        var (schedulerStatus, schedulerBody) = await WaitForDownAsync(scheduler);
        Assert.Equal((HttpStatusCode.ServiceUnavailable, "unavailable"), (schedulerStatus, schedulerBody.GetProperty("status").GetString()));
        Assert.True(schedulerBody.GetProperty("unavailable").TryGetProperty("warehouse", out _));
    }

    /// <summary>The log was judged by whether it opened at start-up: with every Kafka broker down, an ingest process
    /// answered ok while each append waited its 30 s delivery timeout before failing.</summary>
    [Fact]
    public async Task A_kafka_cluster_that_goes_down_makes_ingest_unavailable_and_ok_again_once_it_is_back()
    {
        using var kafka = await KafkaMockCluster.StartAsync();
        kafka.CreateTopics(DatasetCatalog.Streamed.Select(d => d.Name), 1);
        var log = await Emporium.Log.Kafka.KafkaEventLog.ConnectAsync(new Emporium.Log.Kafka.KafkaLogOptions { BootstrapServers = kafka.BootstrapServers });
        await using var ingest = await TestHost.StartAsync(log, RecordNormalizer.Instance, configure: o => o with { Role = "ingest" });
        // (No warehouse or lake was given: "degraded", which keeps an ingest process in rotation.)
        var (status, body) = await HealthAsync(ingest);
        Assert.Equal((HttpStatusCode.OK, "degraded"), (status, body.GetProperty("status").GetString()));
        Assert.False(body.GetProperty("unavailable").TryGetProperty("log", out _));

        kafka.StopAllBrokers();
        var waited = Stopwatch.StartNew();
        while (true)
        {
            (status, body) = await HealthAsync(ingest);
            if (body.GetProperty("unavailable").TryGetProperty("log", out _))
            {
                break;
            }
            Assert.True(waited.Elapsed < TimeSpan.FromSeconds(30), "/health did not notice the brokers were down");
            await Task.Delay(200);
        }
        Assert.Equal((HttpStatusCode.ServiceUnavailable, "unavailable"), (status, body.GetProperty("status").GetString()));
        Assert.StartsWith($"{log.Describe} does not answer: ", body.GetProperty("unavailable").GetProperty("log").GetString(), StringComparison.Ordinal);

        kafka.StartAllBrokers();
        waited.Restart();
        while ((await HealthAsync(ingest)).Body.GetProperty("unavailable").TryGetProperty("log", out _))
        {
            Assert.True(waited.Elapsed < TimeSpan.FromSeconds(30), "/health stayed unavailable after the brokers came back");
            await Task.Delay(200);
        }
    }

    private static async Task<(HttpStatusCode Status, JsonElement Body)> WaitForDownAsync(TestHost host)
    {
        // The answer of a ping stands for a couple of seconds; the outage shows once it expires.
        var waited = Stopwatch.StartNew();
        while (true)
        {
            var (status, body) = await HealthAsync(host);
            if (body.GetProperty("status").GetString() != "ok" || waited.Elapsed > TimeSpan.FromSeconds(20))
            {
                return (status, body);
            }
            await Task.Delay(200);
        }
    }

    private static async Task<(HttpStatusCode Status, JsonElement Body)> HealthAsync(TestHost host)
    {
        using var response = await host.Client.GetAsync("/health");
        return (response.StatusCode, JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone());
    }
}
