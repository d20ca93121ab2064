using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Emporium.Datasets;
using Emporium.Lake.Local;
using Emporium.Marts;
using Emporium.Testing;
using Emporium.Tests.TestSupport;
using Emporium.Warehouse;
using Emporium.Warehouse.DuckDb;
using Emporium.Warehouse.Postgres;

namespace Emporium.Tests.Cli.Web;

/// <summary>A mart read stops at the warehouse's query time limit, as a user query does, on both warehouses; before, a
/// slow view (a huge dataset, a view over many files) held its connection for as long as it ran.</summary>
[Collection(PostgresCollection.Name)]
public sealed class MartTimeLimitTests(PostgresServer server)
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(1);

    [Fact]
    public async Task A_slow_mart_on_duckdb_is_stopped_at_the_query_time_limit() =>
        await AssertStoppedAsync(dir => new DuckDbWarehouse(new DuckDbWarehouseOptions { Path = Path.Combine(dir, "w.duckdb"), QueryTimeout = Limit }),
            "SELECT count(*) AS n FROM range(100000000000) a");

    [Fact]
    public async Task A_slow_mart_on_postgres_is_stopped_at_the_query_time_limit()
    {
        var database = await server.CreateDatabaseAsync("marttimeout");
        await AssertStoppedAsync(_ => new PostgresWarehouse(new PostgresWarehouseOptions { ConnectionString = database, QueryTimeout = Limit }),
            "SELECT 1 AS n FROM pg_sleep(120)");
    }

    private static async Task AssertStoppedAsync(Func<string, IWarehouse> open, string slowSql)
    {
        using var dir = new TempDir("mart-time-limit");
        await using var warehouse = open(dir.Path);
        await warehouse.InitializeAsync(DatasetCatalog.All, CancellationToken.None);
        await warehouse.ExecuteAsync($"CREATE VIEW slow_mart AS {slowSql}", CancellationToken.None);
        await using var host = await TestHost.StartAsync(new InMemoryEventLog(), RecordNormalizer.Instance, warehouse, new LocalLakeStore(dir.Combine("lake")), dataDir: dir.Path);

        var started = Stopwatch.StartNew();
        using var response = await host.Client.GetAsync("/api/v1/marts/slow_mart");

        // Bounded far below the sleep's or the count's end, so a read that ran to completion fails the test.
        Assert.InRange(started.Elapsed, Limit * 0.9, TimeSpan.FromSeconds(60));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.GatewayTimeout, body);
        var problem = JsonDocument.Parse(body).RootElement;
        Assert.Equal("mart timed out", problem.GetProperty("title").GetString());
        Assert.Equal("mart 'slow_mart': query cancelled after the 1 s time limit (the warehouse's QueryTimeout)", problem.GetProperty("detail").GetString());
        Assert.Equal("slow_mart", problem.GetProperty("mart").GetString());

        // A catalog mart is read through the same limit (by the service every reader of marts uses).
        await warehouse.ExecuteAsync("DROP VIEW daily_sales", CancellationToken.None);
        await warehouse.ExecuteAsync("CREATE VIEW daily_sales AS SELECT CAST(NULL AS DATE) AS sales_date, CAST(NULL AS VARCHAR) AS country, "
            + "CAST(n AS FLOAT8) AS total_sales FROM slow_mart", CancellationToken.None);
        var e = await Assert.ThrowsAsync<QueryRejectedException>(() => new MartService(warehouse).QueryAsync("daily_sales", null, CancellationToken.None));
        Assert.True(e.TimedOut);
        using var catalogMart = await host.Client.GetAsync("/api/v1/marts/daily_sales");
        Assert.Equal(HttpStatusCode.GatewayTimeout, catalogMart.StatusCode);

        // A fast read after the stopped ones still answers: the connections went back usable.
        using var fast = await host.Client.GetAsync("/api/v1/marts/popular_products");
        Assert.Equal(HttpStatusCode.OK, fast.StatusCode);
    }
}
