using Emporium.Orchestration;
using Emporium.Orchestration.Dags;
using Emporium.Tests.TestSupport;

namespace Emporium.Tests.Orchestration.Dags;

public sealed class SeedDagDefinitionTests
{
    [Fact]
    public void The_seed_dags_are_discovered_with_the_seeds_settings()
    {
        var registry = DagRegistry.Discover();
        foreach (var name in new[] { "reviews_batch", "retail_lake", "seller_catalog", "user_behaviour" })
        {
            Assert.True(registry.TryGet(name, out _), $"{name} not discovered: {string.Join("; ", registry.Errors)}");
        }
        var reviews = registry.Get("reviews_batch");
        Assert.Equal("@daily", reviews.ScheduleInterval.Text);
        Assert.True(reviews.PastDependency);
        Assert.Equal(1, reviews.MaxActive);
        var load = Assert.Single(reviews.Tasks);
        Assert.Equal(1, load.Retry.Retries);
        Assert.Equal(TimeSpan.FromMinutes(5), load.Retry.RetryDelay);

        var sensor = registry.Get("seller_catalog").GetTask("wait_clean_file");
        Assert.Equal(TaskKind.Sensor, sensor.Kind);
        Assert.Equal(TimeSpan.FromSeconds(5), sensor.PokeInterval);
        Assert.Equal(TimeSpan.FromSeconds(60), sensor.SensorTimeout);
        Assert.Equal(["clean"], sensor.Upstream);
    }

    [Fact]
    public async Task Reviews_batch_loads_new_landing_files_once()
    {
        await using var harness = new SeedDagHarness(new ReviewsBatchDag());
        var landing = Path.Combine(harness.DataDir, "landing", "reviews");
        Directory.CreateDirectory(landing);
        File.Copy(SampleData.McAuleyReviews, Path.Combine(landing, "fashion.json"));
        var day1 = new DateOnly(2024, 3, 1);

        await harness.RunAsync(day1, new Dictionary<string, string?>());
        var loaded = (long)(await harness.QueryAsync("SELECT COUNT(*) FROM reviews"))[0][0]!;
        await harness.RunAsync(day1.AddDays(1), new Dictionary<string, string?>());
        var after = (long)(await harness.QueryAsync("SELECT COUNT(*) FROM reviews"))[0][0]!;

        Assert.True(loaded > 0);
        Assert.Equal(loaded, after); // the same file is not loaded again the next day
        Assert.Contains("Skipped", harness.Log(day1.AddDays(1), "load_reviews"));
    }

    [Fact]
    public async Task Retail_lake_writes_clean_parquet_by_country_and_refreshes_the_order_marts()
    {
        await using var harness = new SeedDagHarness(new RetailLakeDag());
        var landing = Path.Combine(harness.DataDir, "landing", "orders");
        Directory.CreateDirectory(landing);
        File.Copy(SampleData.OnlineRetail, Path.Combine(landing, "online_retail.csv"));
        var ds = new DateOnly(2024, 3, 1);

        await harness.RunAsync(ds, new Dictionary<string, string?>());

        var countries = new HashSet<string>();
        await foreach (var o in harness.Lake.ListAsync("clean/orders/", CancellationToken.None))
        {
            var part = o.Path.Split('/').FirstOrDefault(p => p.StartsWith("country=", StringComparison.Ordinal));
            if (part is not null)
            {
                countries.Add(part);
            }
        }
        Assert.True(countries.Count > 1, "clean orders are partitioned by country");
        var rows = await harness.QueryAsync("SELECT COUNT(*) FROM sales_by_country");
        Assert.True((long)rows[0][0]! > 0);
        Assert.Contains("mart sales_by_country", harness.Log(ds, "refresh_marts"));
    }
}
