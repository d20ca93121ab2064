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

    /// <summary>With keys on, a probe without a key learns whether the server and each backend are up, not where
    /// they are; any configured key (an ingest-only one too) sees the addresses.</summary>
    [Fact]
    public async Task Health_names_backend_addresses_only_to_a_caller_with_a_key()
    {
        using var dir = new TempDir("healthkeys");
        await using var host = await TestHost.StartEmbeddedAsync(dir.Path, new Dictionary<string, string?>
        {
            ["Auth:Keys:0:Name"] = "loader", ["Auth:Keys:0:Hash"] = ApiKeyHash.Of(IngestKey), ["Auth:Keys:0:Scopes:0"] = Scopes.Ingest,
        });
        async Task<System.Text.Json.JsonElement> Health(string? key)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/health");
            if (key is not null)
            {
                request.Headers.Authorization = new("Bearer", key);
            }
            using var response = await host.Client.SendAsync(request);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            return System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
        }

        var anonymous = (await Health(null)).GetProperty("backends");
        Assert.Equal(("embedded", "file", "duckdb"), (anonymous.GetProperty("log").GetString(), anonymous.GetProperty("lake").GetString(), anonymous.GetProperty("warehouse").GetString()));
        Assert.DoesNotContain(dir.Path, anonymous.GetRawText(), StringComparison.Ordinal);
        Assert.Equal("file", (await Health("emp_not-a-key")).GetProperty("backends").GetProperty("lake").GetString());

        var keyed = (await Health(IngestKey)).GetProperty("backends");
        Assert.StartsWith("embedded:", keyed.GetProperty("log").GetString(), StringComparison.Ordinal);
        Assert.Contains(dir.Path, keyed.GetProperty("warehouse").GetString(), StringComparison.Ordinal);
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
