using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Emporium.Datasets;
using Emporium.Lake.S3;
using Emporium.Tests.TestSupport;
using Emporium.Warehouse.Postgres;
using Npgsql;

namespace Emporium.Tests.Cli.Web;

/// <summary>Requests that need a backend while it is down (PostgreSQL and moto S3 behind a proxy the test cuts): a 503
/// with Retry-After naming the backend and the reason, and the request works again once the backend is back. Before,
/// they were a 500 "internal error" carrying the client library's words ("Connection refused (127.0.0.1:41817)"), and a
/// query meeting a terminated PostgreSQL backend was a 400 "query failed", blaming the query.</summary>
[Collection(PostgresCollection.Name)]
public sealed class BackendOutageEndpointsTests(PostgresServer postgres, MotoServer moto) : IClassFixture<MotoServer>
{
    [Fact]
    public async Task A_load_while_S3_is_down_is_a_503_naming_the_lake_and_loads_once_S3_is_back()
    {
        await using var stack = await StackAsync("s3-down");
        var file = SampleData.CategoriesCsv;

        stack.S3.Cut();
        using (var down = await stack.Host.Client.PostAsJsonAsync("/api/v1/load", new { paths = new[] { file }, dataset = "categories" }))
        {
            var (title, detail) = await ProblemAsync(down, HttpStatusCode.ServiceUnavailable);
            Assert.Equal("lake unavailable", title);
            Assert.StartsWith($"lake s3://{stack.Bucket}/lake at http://127.0.0.1:{stack.S3.Port}: cannot reach the endpoint (", detail, StringComparison.Ordinal);
            Assert.NotNull(down.Headers.RetryAfter);
        }

        stack.S3.Restore();
        using var up = await stack.Host.Client.PostAsJsonAsync("/api/v1/load", new { paths = new[] { file }, dataset = "categories" });
        Assert.Equal(HttpStatusCode.OK, up.StatusCode);
        var expected = File.ReadLines(file).Count() - 1;
        Assert.Equal(expected, JsonDocument.Parse(await up.Content.ReadAsStringAsync()).RootElement.GetProperty("rowsLoaded").GetInt64());
        Assert.Equal(expected, Convert.ToInt64((await stack.Warehouse.QueryAsync("SELECT count(*) FROM categories", CancellationToken.None)).Rows[0][0]));
    }

    [Fact]
    public async Task Reads_while_PostgreSQL_is_down_are_a_503_naming_the_warehouse_and_work_once_it_is_back()
    {
        await using var stack = await StackAsync("pg-down");

        stack.Postgres.Cut();
        foreach (var request in new Func<Task<HttpResponseMessage>>[]
                 {
                     () => stack.Host.Client.GetAsync("/api/v1/marts/sales_by_country"),
                     () => stack.Host.Client.PostAsJsonAsync("/api/v1/query", new { sql = "SELECT count(*) FROM categories" }),
                     () => stack.Host.Client.PostAsJsonAsync("/api/v1/load", new { paths = new[] { SampleData.CategoriesCsv }, dataset = "categories" }),
                 })
        {
            using var down = await request();
            var (title, detail) = await ProblemAsync(down, HttpStatusCode.ServiceUnavailable);
            Assert.Equal("warehouse unavailable", title);
            Assert.StartsWith($"{stack.Warehouse.Describe} does not answer: cannot reach the server (", detail, StringComparison.Ordinal);
            Assert.NotNull(down.Headers.RetryAfter);
        }

        stack.Postgres.Restore();
        using var up = await stack.Host.Client.PostAsJsonAsync("/api/v1/query", new { sql = "SELECT count(*) FROM categories" });
        Assert.Equal(HttpStatusCode.OK, up.StatusCode);
    }

    /// <summary>PostgreSQL restarted while nothing used it: the pooled connections it had are dead. Once it is back,
    /// the next requests and health probes must work, not fail one per stale pooled connection.</summary>
    [Fact]
    public async Task Requests_after_PostgreSQL_came_back_while_idle_work_at_once()
    {
        await using var stack = await StackAsync("pg-bounced");
        // Several requests at once leave several connections in the pool.
        var warm = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => stack.Host.Client.PostAsJsonAsync("/api/v1/query", new { sql = "SELECT count(*) FROM pg_sleep(0.2)" })));
        Assert.All(warm, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));

        stack.Postgres.Cut();
        await Task.Delay(200);
        stack.Postgres.Restore();

        for (var i = 0; i < 4; i++)
        {
            using var response = await stack.Host.Client.PostAsJsonAsync("/api/v1/query", new { sql = "SELECT count(*) FROM categories" });
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"request {i + 1} after the restart: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }
        Assert.Null(await stack.Warehouse.PingAsync(CancellationToken.None));
    }

    /// <summary>PostgreSQL ends the backend serving a query (an operator's <c>pg_terminate_backend</c>, a failover):
    /// the server's state, not the query's fault.</summary>
    [Fact]
    public async Task A_query_whose_PostgreSQL_backend_is_terminated_is_a_503_not_a_refused_query()
    {
        // The query must still run when it is found, however long a loaded machine takes to get it to the server: it
        // sleeps well past the deadline for finding it, under a time limit longer still (a 20 s sleep under the default
        // 30 s limit, looked for 15 s, left a slow start little room).
        await using var stack = await StackAsync("pg-terminated", queryTimeout: TimeSpan.FromMinutes(10));
        var query = stack.Host.Client.PostAsJsonAsync("/api/v1/query", new { sql = "SELECT count(*) FROM pg_sleep(300)" });
        await using (var admin = new NpgsqlConnection(postgres.AdminConnectionString))
        {
            await admin.OpenAsync();
            await using var kill = new NpgsqlCommand("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE query LIKE '%pg_sleep(300)%' AND pid <> pg_backend_pid()", admin);
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(90);
            while ((long)(await kill.ExecuteScalarAsync())! == 0)
            {
                Assert.True(DateTime.UtcNow < deadline, "the query never reached the server");
                await Task.Delay(100);
            }
        }
        using var terminated = await query;
        var (title, detail) = await ProblemAsync(terminated, HttpStatusCode.ServiceUnavailable);
        Assert.Equal("warehouse unavailable", title);
        Assert.Contains("terminating connection due to administrator command", detail, StringComparison.Ordinal);
    }

    /// <summary>A processor's log and lake were judged by whether they opened at start-up: with S3 unreachable since,
    /// its batches failed every few seconds and <c>/health</c> still said ok, so nothing took it out of rotation or
    /// told its operator.</summary>
    [Fact]
    public async Task A_processor_whose_lake_is_down_is_unavailable_in_health_naming_the_lake_and_ok_again_once_it_is_back()
    {
        var log = new InMemoryEventLog();
        await using var stack = await StackAsync("processor-s3-down", log, "processor");
        var order = RecordNormalizer.Instance.Normalize(DatasetCatalog.Orders, JsonDocument.Parse("""
            {"InvoiceNo": "536365", "StockCode": "85123A", "Description": "WHITE HANGING HEART T-LIGHT HOLDER", "Quantity": 6,
             "InvoiceDate": "2010-12-01T08:26:00Z", "UnitPrice": 2.55, "CustomerID": "17850", "Country": "United Kingdom"}
            """).RootElement).Record!;

        stack.S3.Cut();
        await log.AppendAsync("orders", [new Emporium.Log.LogMessage("536365", CanonicalJson.Serialize(order))], CancellationToken.None);
        var (status, body) = await HealthUntilAsync(stack.Host, b => b.GetProperty("unavailable").TryGetProperty("processor", out _));
        Assert.Equal((HttpStatusCode.ServiceUnavailable, "unavailable"), (status, body.GetProperty("status").GetString()));
        var reason = body.GetProperty("unavailable").GetProperty("processor").GetString()!;
        Assert.StartsWith("batches failing since ", reason, StringComparison.Ordinal);
        Assert.True(reason.Contains($"lake s3://{stack.Bucket}/lake at http://127.0.0.1:{stack.S3.Port}: cannot reach the endpoint (", StringComparison.Ordinal), reason);

        stack.S3.Restore();
        (status, body) = await HealthUntilAsync(stack.Host, b => b.GetProperty("status").GetString() == "ok");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(1L, Convert.ToInt64((await stack.Warehouse.QueryAsync("SELECT count(*) FROM orders", CancellationToken.None)).Rows[0][0]));
    }

    /// <summary>PostgreSQL answered the start-up check and was gone when the processor started (a restart between
    /// the two): the processor's start threw and took the whole server down. It retries in the background instead, as
    /// it does for a later outage, with /health naming the warehouse, and lands what waited once it is back.</summary>
    [Fact]
    public async Task A_warehouse_down_when_the_processor_starts_keeps_the_server_up_and_the_processor_retrying_until_it_is_back()
    {
        var log = new InMemoryEventLog();
        var order = RecordNormalizer.Instance.Normalize(DatasetCatalog.Orders, JsonDocument.Parse("""
            {"InvoiceNo": "536365", "StockCode": "85123A", "Description": "WHITE HANGING HEART T-LIGHT HOLDER", "Quantity": 6,
             "InvoiceDate": "2010-12-01T08:26:00Z", "UnitPrice": 2.55, "CustomerID": "17850", "Country": "United Kingdom"}
            """).RootElement).Record!;
        await log.AppendAsync("orders", [new Emporium.Log.LogMessage("536365", CanonicalJson.Serialize(order))], CancellationToken.None);

        await using var stack = await StackAsync("processor-start-pg-down", log, "processor", beforeStart: s => s.Postgres.Cut());

        var (status, body) = await HealthUntilAsync(stack.Host, b => b.GetProperty("unavailable").TryGetProperty("processor", out _));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
        var reason = body.GetProperty("unavailable").GetProperty("processor").GetString()!;
        Assert.StartsWith("start failing since ", reason, StringComparison.Ordinal);
        Assert.Contains(" does not answer: ", reason, StringComparison.Ordinal);

        stack.Postgres.Restore();
        (status, body) = await HealthUntilAsync(stack.Host, b => b.GetProperty("status").GetString() == "ok");
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(90);
        while (Convert.ToInt64((await stack.Warehouse.QueryAsync("SELECT count(*) FROM orders", CancellationToken.None)).Rows[0][0]) == 0)
        {
            Assert.True(DateTime.UtcNow < deadline, "the processor never landed the record that waited in the log");
            await Task.Delay(200);
        }
    }

    private static async Task<(HttpStatusCode Status, JsonElement Body)> HealthUntilAsync(TestHost host, Func<JsonElement, bool> condition)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (true)
        {
            using var response = await host.Client.GetAsync("/health");
            var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
            if (condition(body))
            {
                return (response.StatusCode, body);
            }
            Assert.True(DateTime.UtcNow < deadline, $"/health never changed: {body}");
            await Task.Delay(200);
        }
    }

    private static async Task<(string? Title, string? Detail)> ProblemAsync(HttpResponseMessage response, HttpStatusCode expected)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"{(int)response.StatusCode}: {text}");
        var body = JsonDocument.Parse(text).RootElement;
        return (body.GetProperty("title").GetString(), body.GetProperty("detail").GetString());
    }

    private async Task<Stack> StackAsync(
        string name, Emporium.Log.IEventLog? log = null, string role = "all", Action<Stack>? beforeStart = null, TimeSpan? queryTimeout = null)
    {
        var database = await postgres.CreateDatabaseAsync(name);
        var pgProxy = new OutageProxy(postgres.Host, postgres.Port);
        var s3Proxy = new OutageProxy("127.0.0.1", moto.Port);
        var bucket = await moto.CreateBucketAsync(name);
        var options = new PostgresWarehouseOptions
        {
            ConnectionString = new NpgsqlConnectionStringBuilder(database) { Port = pgProxy.Port, Timeout = 5 }.ConnectionString,
        };
        var warehouse = new PostgresWarehouse(queryTimeout is { } limit ? options with { QueryTimeout = limit } : options);
        var lake = new S3LakeStore(new S3LakeStoreOptions
        {
            Bucket = bucket, Prefix = "lake", ServiceUrl = $"http://127.0.0.1:{s3Proxy.Port}",
            Region = MotoServer.Region, AccessKey = MotoServer.AccessKey, SecretKey = MotoServer.SecretKey,
        });
        beforeStart?.Invoke(new Stack(null!, pgProxy, s3Proxy, warehouse, bucket));
        var host = await TestHost.StartAsync(log, RecordNormalizer.Instance, warehouse, lake, configure: o => o with { Role = role });
        return new Stack(host, pgProxy, s3Proxy, warehouse, bucket);
    }

    private sealed record Stack(TestHost Host, OutageProxy Postgres, OutageProxy S3, PostgresWarehouse Warehouse, string Bucket) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await Host.DisposeAsync();
            await Postgres.DisposeAsync();
            await S3.DisposeAsync();
        }
    }
}
