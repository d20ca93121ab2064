using Emporium.Sources.SellerCatalog;
using Emporium.Tests.TestSupport;
using Microsoft.AspNetCore.Http;

namespace Emporium.Tests.Sources.SellerCatalog;

public sealed class SellerCatalogClientTests
{
    internal static SellerCatalogOptions Options(Uri baseUrl) => new()
    {
        BaseUrl = baseUrl,
        ApiKey = SellerCatalogStub.ApiKey,
        SellerId = "A02211013Q5HP3OMSZC7W",
        RetryDelay = TimeSpan.FromMilliseconds(20),
        RequestsPerSecond = 50,
    };

    [Theory]
    [InlineData("https://api.example.com", "https://api.example.com/search?")]
    [InlineData("https://api.example.com/", "https://api.example.com/search?")]
    [InlineData("https://api.example.com/v1/amazon", "https://api.example.com/v1/amazon/search?")]
    [InlineData("https://api.example.com/v1/amazon/", "https://api.example.com/v1/amazon/search?")]
    public void Search_is_appended_to_the_base_url_whether_or_not_it_ends_with_a_slash(string baseUrl, string expected)
    {
        using var http = new HttpClient();
        var uri = new SellerCatalogClient(http, Options(new Uri(baseUrl))).PageUri(2).ToString();

        Assert.StartsWith(expected, uri, StringComparison.Ordinal);
        Assert.EndsWith("&page=2", uri, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Pages_until_an_empty_page_retrying_429_and_500()
    {
        await using var server = await SellerCatalogStub.StartAsync();
        using var http = new HttpClient();
        var client = new SellerCatalogClient(http, Options(server.BaseUrl));

        var pages = new List<SellerCatalogPage>();
        await foreach (var page in client.FetchPagesAsync(CancellationToken.None))
        {
            pages.Add(page);
        }

        Assert.Equal([1, 2, 3], pages.Select(p => p.Number));
        Assert.Equal(SellerCatalogStub.PageLayout.Take(3).Select(l => l.Length), pages.Select(p => p.ProductCount));
        var requests = server.Requests.ToList();
        // pages 1, 2 (429), 2, 3 (500), 3, 4 (empty) — and nothing after the empty page.
        Assert.Equal(["1", "2", "2", "3", "3", "4"], requests.Select(r => r.Query["page"]));
        Assert.All(requests, r =>
        {
            Assert.Equal("A02211013Q5HP3OMSZC7W", r.Query["seller_id"]);
            Assert.Equal(" ", r.Query["query"]);
            Assert.Equal("US", r.Query["country"]);
            Assert.Equal("NEW", r.Query["product_condition"]);
        });
    }

    [Fact]
    public async Task The_page_limit_stops_an_endless_catalog()
    {
        // Every page repeats the same products: the seed's loop would never end.
        await using var server = await SellerCatalogStub.StartAsync((_, _) => SellerCatalogStub.SampleProducts(), failures: false);
        using var http = new HttpClient();
        var client = new SellerCatalogClient(http, Options(server.BaseUrl) with { MaxPages = 3 });

        var pages = new List<SellerCatalogPage>();
        await foreach (var page in client.FetchPagesAsync(CancellationToken.None))
        {
            pages.Add(page);
        }

        Assert.Equal(3, pages.Count);
        Assert.Equal(3, server.Requests.Count);
    }

    [Fact]
    public async Task A_rejected_key_fails_with_the_status_and_is_not_retried()
    {
        await using var server = await SellerCatalogStub.StartAsync();
        using var http = new HttpClient();
        var client = new SellerCatalogClient(http, Options(server.BaseUrl) with { ApiKey = "wrong" });

        var error = await Assert.ThrowsAsync<SellerCatalogException>(async () =>
        {
            await foreach (var _ in client.FetchPagesAsync(CancellationToken.None))
            {
            }
        });

        Assert.Contains("HTTP 401", error.Message);
        Assert.Single(server.Requests);
    }

    [Fact]
    public async Task Retries_are_bounded()
    {
        await using var server = await StubHttpServer.StartAsync((context, _) =>
        {
            context.Response.StatusCode = 503;
            return Task.CompletedTask;
        });
        using var http = new HttpClient();
        var client = new SellerCatalogClient(http, Options(server.BaseUrl) with { MaxRetries = 2 });

        var error = await Assert.ThrowsAsync<SellerCatalogException>(async () =>
        {
            await foreach (var _ in client.FetchPagesAsync(CancellationToken.None))
            {
            }
        });

        Assert.Contains("503", error.Message);
        Assert.Equal(3, server.Requests.Count);
    }
    [Theory]
    [InlineData("""{"status":"ERROR","request_id":"r2","data":{"message":"upstream timeout"}}""", "status ERROR")]
    [InlineData("""{"status":"OK","request_id":"r2","data":{"total_products":4,"products":null}}""", "expected a 'data.products' array, got null")]
    [InlineData("""{"status":"OK","request_id":"r2","data":{"total_products":4}}""", "expected a 'data.products' array, got nothing")]
    [InlineData("""[{"asin":"B000MIDROQ"}]""", "expected a JSON object, got an array")]
    public async Task A_failed_page_fails_the_extract_instead_of_ending_the_catalog(string pageTwo, string reason)
    {
        // Page 1 holds two of the sample's four products; page 2 answers 200 with an error. Taken as the catalog's end
        // (as it was), the snapshot held two products and the alerts called the other two out of stock.
        await using var server = await StubHttpServer.StartAsync(async (context, request) =>
        {
            var page = request.Query["page"];
            var products = SellerCatalogStub.SampleProducts();
            var body = page == "1"
                ? new System.Text.Json.Nodes.JsonObject
                {
                    ["status"] = "OK",
                    ["data"] = new System.Text.Json.Nodes.JsonObject { ["products"] = new System.Text.Json.Nodes.JsonArray(products[0]!.DeepClone(), products[1]!.DeepClone()) },
                }.ToJsonString()
                : pageTwo;
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync(body);
        });
        using var http = new HttpClient();
        var client = new SellerCatalogClient(http, Options(server.BaseUrl));

        var pages = new List<SellerCatalogPage>();
        var error = await Assert.ThrowsAsync<SellerCatalogException>(async () =>
        {
            await foreach (var page in client.FetchPagesAsync(CancellationToken.None))
            {
                pages.Add(page);
            }
        });

        Assert.Equal([2], pages.Select(p => p.ProductCount));
        Assert.StartsWith("seller catalog page 2: ", error.Message, StringComparison.Ordinal);
        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
    }
}
