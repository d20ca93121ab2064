using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Emporium.Datasets;
using Emporium.Lake.Local;
using Emporium.Testing;
using Emporium.Tests.TestSupport;
using Emporium.Warehouse.Postgres;

namespace Emporium.Tests.Cli.Web;

/// <summary><c>GET /health</c> over real backends: the embedded defaults are ok, and a PostgreSQL warehouse that goes
/// down is reported live: degraded (200) where ingest still takes records, 503 where the process cannot do its role.
/// Each case starts a PostgreSQL server of its own, since it stops it.</summary>
public sealed class HealthEndpointsTests
{
    /// <summary>How long a test waits for /health or the log to notice an outage or its end: seconds, but far longer on a
    /// loaded machine, where a shorter deadline fails while the product is right.</summary>
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);

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
        // A delivery timeout no HTTP round trip comes near, however loaded the machine: the refusal below is timed against it.
        var log = await Emporium.Log.Kafka.KafkaEventLog.ConnectAsync(new Emporium.Log.Kafka.KafkaLogOptions
        {
            BootstrapServers = kafka.BootstrapServers, Partitions = 1, DeliveryTimeout = TimeSpan.FromMinutes(10),
        });
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
            Assert.True(waited.Elapsed < Patience, "/health did not notice the brokers were down");
            await Task.Delay(200);
        }
        Assert.Equal((HttpStatusCode.ServiceUnavailable, "unavailable"), (status, body.GetProperty("status").GetString()));
        Assert.StartsWith($"{log.Describe} does not answer: ", body.GetProperty("unavailable").GetProperty("log").GetString(), StringComparison.Ordinal);
        // Ingest does not wait the delivery timeout for its 503 either once the log knows the brokers are gone.
        waited.Restart();
        while (log.Reachability.Down is null)
        {
            Assert.True(waited.Elapsed < Patience, "the log did not notice that every broker is down");
            await Task.Delay(100);
        }
        var category = File.ReadLines(SampleData.CategoriesJsonLines).First(l => l.Length > 0);
        var refusal = Stopwatch.StartNew();
        using (var refused = await ingest.Client.PostAsync("/api/v1/ingest/categories", TestHost.Json(category)))
        {
            // Measured against what it would wait, not a couple of seconds: an HTTP round trip on a loaded machine (thread
            // pool busy with other tests' DuckDB work) takes that long, and at times many seconds, without the log
            // waiting for anything.
            Assert.True(refusal.Elapsed < log.Options.DeliveryTimeout / 2, $"the refusal took {refusal.Elapsed}, as if it waited the {log.Options.DeliveryTimeout} delivery timeout");
            Assert.True(refused.StatusCode == HttpStatusCode.ServiceUnavailable, await refused.Content.ReadAsStringAsync());
            Assert.NotNull(refused.Headers.RetryAfter);
            using var problem = JsonDocument.Parse(await refused.Content.ReadAsStringAsync());
            Assert.Equal("log unavailable", problem.RootElement.GetProperty("title").GetString());
            Assert.StartsWith($"{log.Describe} does not answer: ", problem.RootElement.GetProperty("detail").GetString(), StringComparison.Ordinal);
        }

        kafka.StartAllBrokers();
        waited.Restart();
        while ((await HealthAsync(ingest)).Body.GetProperty("unavailable").TryGetProperty("log", out _))
        {
            Assert.True(waited.Elapsed < Patience, "/health stayed unavailable after the brokers came back");
            await Task.Delay(200);
        }
        // The ping that found the log back ends the refusals with it.
        using (var taken = await ingest.Client.PostAsync("/api/v1/ingest/categories", TestHost.Json(category)))
        {
            Assert.True(taken.IsSuccessStatusCode, $"ingest answered {(int)taken.StatusCode} once the brokers answered /health");
        }
    }

    private static async Task<(HttpStatusCode Status, JsonElement Body)> WaitForDownAsync(TestHost host)
    {
        // The answer of a ping stands for a couple of seconds; the outage shows once it expires.
        var waited = Stopwatch.StartNew();
        while (true)
        {
            var (status, body) = await HealthAsync(host);
            if (body.GetProperty("status").GetString() != "ok" || waited.Elapsed > Patience)
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
