using System.Net;
using Emporium.Cli.Web.Auth;
using Emporium.Configuration;
using Emporium.Tests.TestSupport;

namespace Emporium.Tests.Cli.Web.Auth;

public class ApiKeyMiddlewareTests
{
    private const string IngestKey = "emp_ingest-only";
    private const string ReadKey = "emp_read-only";

    private static Task<TestHost> StartAsync(InMemoryEventLog log) =>
        TestHost.StartAsync(log, new StrictTestNormalizer(), configure: o => o with
        {
            Auth = new AuthOptions
            {
                Keys =
                [
                    new ApiKeyEntry { Name = "loader", Hash = ApiKeyHash.Of(IngestKey), Scopes = [Scopes.Ingest] },
                    new ApiKeyEntry { Name = "analyst", Hash = ApiKeyHash.Of(ReadKey), Scopes = [Scopes.Read] },
                ],
            },
        });

    private static HttpRequestMessage Ingest(string? key, bool bearer = true)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/ingest/orders")
        {
            Content = TestHost.Json("{\"invoice_no\":\"K1\",\"quantity\":1,\"unit_price\":2.5}"),
        };
        if (key is not null)
        {
            if (bearer)
            {
                request.Headers.Authorization = new("Bearer", key);
            }
            else
            {
                request.Headers.Add("X-Api-Key", key);
            }
        }
        return request;
    }

    [Fact]
    public async Task NoKeyIs401WrongScopeIs403AndNothingIsWritten()
    {
        var log = new InMemoryEventLog();
        await using var host = await StartAsync(log);
        Assert.Equal(HttpStatusCode.Unauthorized, (await host.Client.SendAsync(Ingest(null))).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await host.Client.SendAsync(Ingest("emp_unknown"))).StatusCode);
        var forbidden = await host.Client.SendAsync(Ingest(ReadKey));
        Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);
        Assert.Contains("ingest", await forbidden.Content.ReadAsStringAsync());
        Assert.Empty(log.Messages("orders"));
        Assert.Equal(0, log.Appends);

        Assert.Equal(HttpStatusCode.Accepted, (await host.Client.SendAsync(Ingest(IngestKey))).StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, (await host.Client.SendAsync(Ingest(IngestKey, bearer: false))).StatusCode);
        Assert.Equal(2, log.Messages("orders").Count);
    }

    [Fact]
    public async Task ReadEndpointsNeedReadScopeAndHealthNeedsNoKey()
    {
        await using var host = await StartAsync(new InMemoryEventLog());
        Assert.Equal(HttpStatusCode.OK, (await host.Client.GetAsync("/health")).StatusCode);
        foreach (var path in new[] { "/api/v1/datasets", "/api/v1/tables" })
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await host.Client.GetAsync(path)).StatusCode);
            var asLoader = new HttpRequestMessage(HttpMethod.Get, path) { Headers = { Authorization = new("Bearer", IngestKey) } };
            Assert.Equal(HttpStatusCode.Forbidden, (await host.Client.SendAsync(asLoader)).StatusCode);
            var asAnalyst = new HttpRequestMessage(HttpMethod.Get, path) { Headers = { Authorization = new("Bearer", ReadKey) } };
            // Past the key check (this host has no warehouse: the tables answer 503).
            Assert.Contains((await host.Client.SendAsync(asAnalyst)).StatusCode, new[] { HttpStatusCode.OK, HttpStatusCode.ServiceUnavailable });
        }
        // The log's stats: this host's in-memory log keeps none (501), but the key check is passed.
        Assert.Equal(HttpStatusCode.Unauthorized, (await host.Client.GetAsync("/api/v1/log")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await host.Client.SendAsync(new HttpRequestMessage(HttpMethod.Get, "/api/v1/log") { Headers = { Authorization = new("Bearer", IngestKey) } })).StatusCode);
        Assert.Equal(HttpStatusCode.NotImplemented, (await host.Client.SendAsync(new HttpRequestMessage(HttpMethod.Get, "/api/v1/log") { Headers = { Authorization = new("Bearer", ReadKey) } })).StatusCode);
    }
}
