using Emporium.Cli.Hosting;
using Emporium.Datasets;
using Emporium.Demo;
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
}
