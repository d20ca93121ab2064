using Emporium.Lake.Local;
using System.Globalization;
using System.Text.Json.Nodes;
using Emporium.Sources;
using Emporium.Sources.SellerCatalog;
using Emporium.Tests.TestSupport;

namespace Emporium.Tests.Sources.SellerCatalog;

public sealed class SellerCatalogJobTests
{
    private static readonly DateOnly Ds = new(2024, 9, 15);

    [Fact]
    public async Task Extract_and_clean_the_real_sample_over_several_pages()
    {
        await using var server = await SellerCatalogStub.StartAsync();
        using var http = new HttpClient();
        using var dir = new TempDir("seller");
        var lake = new LocalLakeStore(dir.Path);
        var options = SellerCatalogClientTests.Options(server.BaseUrl);
        var job = new SellerCatalogJob(lake);

        var raw = await job.ExtractAsync(new SellerCatalogClient(http, options), options.SellerId, Ds, CancellationToken.None);
        var clean = await job.CleanAsync(options.SellerId, Ds, CancellationToken.None);

        Assert.Equal(3, raw.Count);
        Assert.Equal("raw/seller_catalog/year=2024/month=09/day=15/A02211013Q5HP3OMSZC7W-page-0001.json", raw[0]);
        Assert.Equal(1, clean.Duplicates);
        Assert.Contains(clean.Warnings, w => w.Contains("missing columns delivery, has_variations"));
        var rows = ParquetTable.Read(SeedDatasets.SellerOffers, lake.Resolve(clean.Path));

        // Independent expectation from the raw sample file.
        var sample = SellerCatalogStub.SampleProducts();
        Assert.Equal(sample.Select(p => (string)p!["asin"]!).Order(), rows.Select(r => (string)r["asin"]!).Order());
        foreach (var product in sample)
        {
            var row = rows.Single(r => (string)r["asin"]! == (string)product!["asin"]!);
            Assert.Equal(Money(product!["product_price"]), row["product_price"]);
            Assert.Equal(Money(product["product_original_price"]), row["product_original_price"]);
            Assert.Equal(double.Parse((string)product["product_star_rating"]!, CultureInfo.InvariantCulture), row["product_star_rating"]);
            Assert.Equal((long)product["product_num_ratings"]!, row["product_num_ratings"]);
            Assert.Equal((string)product["product_title"]!, row["product_title"]);
            Assert.Equal((bool)product["is_prime"]!, row["is_prime"]);
            var volume = (string)product["sales_volume"]!;
            var number = volume.Split('+')[0];
            var expectedVolume = number.EndsWith('K') ? long.Parse(number[..^1]) * 1000 : long.Parse(number);
            Assert.Equal(expectedVolume, row["sales_volume"]);
            Assert.Null(row["delivery"]);
            Assert.Null(row["has_variations"]);
            Assert.Equal("A02211013Q5HP3OMSZC7W", row["seller_id"]);
            Assert.Equal(new DateTime(2024, 9, 15, 0, 0, 0, DateTimeKind.Utc), row["snapshot_date"]);
        }
    }

    [Fact]
    public async Task Delivery_and_variations_are_kept_when_present_and_bad_values_become_null_with_a_warning()
    {
        await using var server = await SellerCatalogStub.StartAsync((page, products) =>
        {
            foreach (var p in products)
            {
                p!["delivery"] = "FREE delivery Fri, Sep 19";
                p["has_variations"] = page == 1;
                if (page == 3)
                {
                    p["product_price"] = "call for price";
                }
            }
            return products;
        }, failures: false);
        using var http = new HttpClient();
        using var dir = new TempDir("seller-extra");
        var lake = new LocalLakeStore(dir.Path);
        var options = SellerCatalogClientTests.Options(server.BaseUrl);
        var job = new SellerCatalogJob(lake);

        await job.ExtractAsync(new SellerCatalogClient(http, options), options.SellerId, Ds, CancellationToken.None);
        var clean = await job.CleanAsync(options.SellerId, Ds, CancellationToken.None);

        var rows = ParquetTable.Read(SeedDatasets.SellerOffers, lake.Resolve(clean.Path));
        Assert.Equal(4, rows.Count);
        Assert.All(rows, r => Assert.Equal("FREE delivery Fri, Sep 19", r["delivery"]));
        var asin3 = (string)SellerCatalogStub.SampleProducts()[3]!["asin"]!;
        Assert.Null(rows.Single(r => (string)r["asin"]! == asin3)["product_price"]);
        Assert.Contains(clean.Warnings, w => w.Contains(asin3) && w.Contains("product_price") && w.Contains("call for price"));
        Assert.DoesNotContain(clean.Warnings, w => w.Contains("missing columns"));
        Assert.Equal(true, rows.Single(r => (string)r["asin"]! == (string)SellerCatalogStub.SampleProducts()[0]!["asin"]!)["has_variations"]);
    }

    [Fact]
    public async Task A_rerun_with_fewer_pages_removes_the_stale_raw_pages()
    {
        using var dir = new TempDir("seller-rerun");
        var lake = new LocalLakeStore(dir.Path);
        var job = new SellerCatalogJob(lake);
        using var http = new HttpClient();
        await using (var server = await SellerCatalogStub.StartAsync(failures: false))
        {
            var options = SellerCatalogClientTests.Options(server.BaseUrl);
            Assert.Equal(3, (await job.ExtractAsync(new SellerCatalogClient(http, options), options.SellerId, Ds, CancellationToken.None)).Count);
        }
        await using (var server = await SellerCatalogStub.StartAsync((page, products) => page == 1 ? products : [], failures: false))
        {
            var options = SellerCatalogClientTests.Options(server.BaseUrl);
            Assert.Single(await job.ExtractAsync(new SellerCatalogClient(http, options), options.SellerId, Ds, CancellationToken.None));
        }

        var left = new List<string>();
        await foreach (var o in lake.ListAsync("raw/seller_catalog/", CancellationToken.None))
        {
            left.Add(o.Path);
        }
        Assert.Single(left);
        var clean = await job.CleanAsync("A02211013Q5HP3OMSZC7W", Ds, CancellationToken.None);
        Assert.Equal(2, clean.Rows);
    }

    private static double? Money(JsonNode? node) =>
        node is null ? null : double.Parse(((string)node!).TrimStart('$').Replace(",", ""), CultureInfo.InvariantCulture);
}
