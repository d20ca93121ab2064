using System.Globalization;
using Emporium.Cli.Hosting;
using Emporium.Datasets;
using Emporium.Demo;
using Emporium.Orchestration;
using Microsoft.Extensions.DependencyInjection;
using Emporium.Tests.TestSupport;

namespace Emporium.Tests.Cli.Hosting;

public sealed class DemoSeederTests
{
    [Fact]
    public async Task SendsEveryDatasetThroughIngestOnceAndOnlyIntoAnEmptyDataDir()
    {
        var log = new InMemoryEventLog();
        await using var host = await TestHost.StartAsync(log, RecordNormalizer.Instance);
        var sizes = new DemoSeeder.Sizes(Products: 300, Reviews: 1200, Orders: 2500);
        var output = new StringWriter();

        await DemoSeeder.SeedIfEmptyAsync(host.Host, output, CancellationToken.None, sizes);
        await DemoSeeder.SeedIfEmptyAsync(host.Host, output, CancellationToken.None, sizes);

        Assert.Equal(CategoryNames.All.Count, log.Messages("categories").Count);
        Assert.Equal(300, log.Messages("products").Count);
        Assert.Equal(1200, log.Messages("reviews").Count);
        Assert.Equal(2500, log.Messages("orders").Count);
        // What reached the log is the normalized form: orders' countries are lower-cased like any client's.
        var order = CanonicalJson.Deserialize(DatasetCatalog.Orders, log.Messages("orders")[0].Value.Span);
        Assert.Equal(((string)order["country"]!).ToLowerInvariant(), order["country"]);
        Assert.Contains($"sent {CategoryNames.All.Count} categories", output.ToString().Replace(",", ""));
        Assert.Contains("already holds records", output.ToString());
    }

    /// <summary>The demo computes a week of user behaviour from its own orders (it has no PostgreSQL): every customer's
    /// spend per day equals the sum over the order lines the ingest accepted.</summary>
    [Fact]
    public async Task Queues_a_week_of_user_behaviour_from_the_demo_orders()
    {
        await using var host = await TestHost.StartEmbeddedAsync();
        var output = new StringWriter();

        await DemoSeeder.SeedIfEmptyAsync(host.Host, output, CancellationToken.None, new DemoSeeder.Sizes(Products: 200, Reviews: 300, Orders: 3000));

        var engine = host.Host.App.Services.GetRequiredService<DagEngine>();
        var runs = engine.Store.Runs("user_behaviour");
        Assert.Equal(DemoSeeder.UserBehaviourDays, runs.Count);
        using var guard = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        foreach (var run in runs)
        {
            Assert.Equal(RunState.Success, (await engine.WaitForRunAsync(run.Key, guard.Token)).State);
        }
        Assert.Contains("user_behaviour queued for", output.ToString(), StringComparison.Ordinal);
        var warehouse = host.Host.Backends.Warehouse!;
        var expected = (await warehouse.QueryAsync("""
            SELECT CAST(invoice_date AS DATE) AS d, customer_id, sum(CAST(quantity AS DECIMAL(18,3)) * CAST(unit_price AS DECIMAL(18,3))) AS spent
            FROM orders WHERE customer_id IS NOT NULL AND CAST(invoice_date AS DATE) >= (SELECT max(CAST(invoice_date AS DATE)) - 6 FROM orders)
            GROUP BY 1, 2 ORDER BY 1, 2
            """, CancellationToken.None)).Rows;
        var metric = (await warehouse.QueryAsync("SELECT insert_date, customer_id, amount_spent FROM user_behavior_metric ORDER BY 1, 2", CancellationToken.None)).Rows;
        Assert.NotEmpty(expected);
        Assert.Equal(expected.Count, metric.Count);
        for (var i = 0; i < expected.Count; i++)
        {
            Assert.Equal(expected[i][1], metric[i][1]);
            Assert.Equal(Convert.ToDouble(expected[i][2], CultureInfo.InvariantCulture), Convert.ToDouble(metric[i][2], CultureInfo.InvariantCulture), 6);
        }
    }
}
