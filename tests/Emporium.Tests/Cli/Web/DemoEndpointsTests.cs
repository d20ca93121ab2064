using System.Net;
using Emporium.Cli.Web;
using Emporium.Cli.Web.Auth;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Emporium.Datasets;
using Emporium.Log;
using Emporium.Tests.TestSupport;
using Emporium.Warehouse;
using Emporium.Warehouse.DuckDb;
using Emporium.Warehouse.Postgres;

namespace Emporium.Tests.Cli.Web;

/// <summary>The demo seller offers the first products of the catalog by ASIN, the same ones in the same order on
/// DuckDB and on a PostgreSQL database whose default collation is linguistic (ICU en-US sorts <c>b-1</c> before
/// <c>B2</c>): ASINs compare by code point on both.</summary>
[Collection(PostgresCollection.Name)]
public sealed class DemoEndpointsTests(PostgresServer server)
{
    private static readonly string[] Asins = ["B2", "_x", "a 3", "b-1", "85123A", "85123a", "éclair", "f-1", "Zed", "zed"];

    [Fact]
    public async Task The_demo_sellers_products_are_the_first_asins_by_code_point_on_both_warehouses()
    {
        using var dir = new TempDir("demo-products");
        await using var duck = new DuckDbWarehouse(new DuckDbWarehouseOptions { Path = dir.Combine("w.duckdb") });
        await using var pg = new PostgresWarehouse(new PostgresWarehouseOptions { ConnectionString = await server.CreateDatabaseAsync("demoproducts", "en-US") });
        var batch = new WarehouseBatch(
            [NormalizedRows.Of(DatasetCatalog.Products, "test:demo-products", Asins.Select(a => NormalizedRows.Row(("asin", a), ("title", a), ("price", "10"))))],
            "demo-products", new Dictionary<TopicPartition, long>());
        var expected = Asins.Order(StringComparer.Ordinal).ToList();

        foreach (var warehouse in new IWarehouse[] { duck, pg })
        {
            await warehouse.InitializeAsync(DatasetCatalog.All, CancellationToken.None);
            await warehouse.CommitAsync(batch, CancellationToken.None);

            var products = await DemoEndpoints.ProductsAsync(warehouse, CancellationToken.None);

            Assert.Equal(expected, products.Select(p => p.Asin));
        }
    }

    /// <summary>The demo seller's pages are warehouse data (the first products with their titles and prices). With keys
    /// required they were served to any caller without one; now a caller from another machine needs a <c>read</c> key,
    /// as for every other read, while this machine's own calls (the demo's <c>seller_catalog</c> runs, which hold no
    /// key) are still served without one.</summary>
    [Fact]
    public async Task With_keys_the_demo_seller_api_needs_a_read_key_from_another_machine_but_not_from_this_one()
    {
        const string readKey = "emp_demo-read";
        const string ingestKey = "emp_demo-ingest";
        using var dir = new TempDir("demo-keys");
        await using var host = await TestHost.StartEmbeddedAsync(dir.Path, new Dictionary<string, string?>
        {
            ["Demo"] = "true",
            ["Auth:Keys:0:Name"] = "analyst", ["Auth:Keys:0:Hash"] = ApiKeyHash.Of(readKey), ["Auth:Keys:0:Scopes:0"] = Scopes.Read,
            ["Auth:Keys:1:Name"] = "loader", ["Auth:Keys:1:Hash"] = ApiKeyHash.Of(ingestKey), ["Auth:Keys:1:Scopes:0"] = Scopes.Ingest,
        });
        const string path = "/demo/seller-api/2024-01-01/search";

        using var local = await host.Client.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, local.StatusCode);
        using var otherData = await host.Client.GetAsync("/api/v1/marts");
        Assert.Equal(HttpStatusCode.Unauthorized, otherData.StatusCode);

        // Another machine's request, through the key check with the endpoint as the server maps it (a test's socket
        // can only come from this machine).
        var services = host.Host.App.Services;
        var endpoint = services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Single(e => e.RoutePattern.RawText == "/demo/seller-api/{day}/search");
        async Task<int> FromAnotherMachine(string? key)
        {
            var context = new DefaultHttpContext { RequestServices = services };
            context.Connection.RemoteIpAddress = IPAddress.Parse("203.0.113.7");
            context.Connection.LocalIpAddress = IPAddress.Parse("192.0.2.1");
            context.Request.Method = "GET";
            context.Request.Path = path;
            context.Response.Body = new MemoryStream();
            if (key is not null)
            {
                context.Request.Headers.Authorization = $"Bearer {key}";
            }
            context.SetEndpoint(endpoint);
            var served = false;
            await new ApiKeyMiddleware(_ => { served = true; return Task.CompletedTask; }, services.GetRequiredService<ApiKeyRing>()).InvokeAsync(context);
            return served ? 200 : context.Response.StatusCode;
        }
        Assert.Equal(401, await FromAnotherMachine(null));
        Assert.Equal(403, await FromAnotherMachine(ingestKey));
        Assert.Equal(200, await FromAnotherMachine(readKey));
    }
}
