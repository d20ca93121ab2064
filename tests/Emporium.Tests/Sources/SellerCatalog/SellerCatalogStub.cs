using System.Text.Json;
using System.Text.Json.Nodes;
using Emporium.Tests.TestSupport;
using Microsoft.AspNetCore.Http;

namespace Emporium.Tests.Sources.SellerCatalog;

/// <summary>A stub of the paged search API serving the real captured response, its 4 products split over pages
/// (page 1: products 0–1, page 2: product 2 plus product 0 again, page 3: product 3, page 4: empty), with a 429 on the
/// first try of page 2 and a 500 on the first try of page 3.</summary>
public static class SellerCatalogStub
{
    public const string ApiKey = "test-key";

    public static JsonArray SampleProducts() =>
        (JsonArray)JsonNode.Parse(File.ReadAllText(SampleData.SellerSearchResponse))!["data"]!["products"]!.DeepClone();

    public static int[][] PageLayout { get; } = [[0, 1], [2, 0], [3], []];

    public static Task<StubHttpServer> StartAsync(Func<int, JsonArray, JsonArray>? transform = null, bool failures = true)
    {
        var attempts = new Dictionary<int, int>();
        return StubHttpServer.StartAsync(async (context, request) =>
        {
            if (request.Path != "/search" || !request.Headers.TryGetValue("X-RapidAPI-Key", out var key) || key != ApiKey)
            {
                context.Response.StatusCode = request.Path != "/search" ? 404 : 401;
                return;
            }
            var page = int.Parse(request.Query["page"]);
            int attempt;
            lock (attempts)
            {
                attempt = attempts[page] = attempts.GetValueOrDefault(page) + 1;
            }
            if (failures && page == 2 && attempt == 1)
            {
                context.Response.StatusCode = StatusCodes.Status429TooManyRequests;
                context.Response.Headers.RetryAfter = "1";
                await context.Response.WriteAsync("{\"message\":\"Too many requests\"}");
                return;
            }
            if (failures && page == 3 && attempt == 1)
            {
                context.Response.StatusCode = StatusCodes.Status500InternalServerError;
                await context.Response.WriteAsync("upstream error");
                return;
            }
            var sample = SampleProducts();
            var products = new JsonArray();
            foreach (var i in page <= PageLayout.Length ? PageLayout[page - 1] : [])
            {
                products.Add(sample[i]!.DeepClone());
            }
            if (transform is not null)
            {
                products = transform(page, products);
            }
            var body = new JsonObject
            {
                ["status"] = "OK",
                ["request_id"] = Guid.NewGuid().ToString(),
                ["data"] = new JsonObject { ["total_products"] = sample.Count, ["country"] = request.Query["country"], ["products"] = products },
            };
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync(body.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        });
    }
}
