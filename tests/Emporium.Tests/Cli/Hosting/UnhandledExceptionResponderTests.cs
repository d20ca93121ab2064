using System.Text.Json;
using Emporium.Tests.TestSupport;
using Emporium.Warehouse.DuckDb;

namespace Emporium.Tests.Cli.Hosting;

/// <summary>Values ASP.NET Core cannot bind to an endpoint's parameters (a query value that is no number) get the same
/// problem body as every other 400, with the field named, instead of an empty 400.</summary>
public sealed class UnhandledExceptionResponderTests
{
    [Theory]
    [InlineData("GET", "/api/v1/marts/top_customers?limit=abc", null, "limit", "expected an integer", "limit: expected an integer, got \"abc\"")]
    [InlineData("GET", "/api/v1/alerts?limit=zz", null, "limit", "expected an integer", "limit: expected an integer, got \"zz\"")]
    [InlineData("GET", "/api/v1/dags/retail_lake/runs?limit=1e3", null, "limit", "expected an integer", "limit: expected an integer, got \"1e3\"")]
    [InlineData("GET", "/api/v1/deadletters?limit=99999999999", null, "limit", "out of range for an integer", "limit: out of range for an integer, got \"99999999999\"")]
    public async Task A_value_that_does_not_bind_is_a_400_naming_the_field(string method, string path, string? body, string field, string error, string detail)
    {
        using var dir = new TempDir("binding");
        await using var host = await TestHost.StartEmbeddedAsync(dir.Path);
        using var request = new HttpRequestMessage(new HttpMethod(method), path) { Content = body is null ? null : TestHost.Json(body) };

        var response = await host.Client.SendAsync(request);

        Assert.Equal(400, (int)response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var first = problem.RootElement.GetProperty("errors")[0];
        Assert.Equal(field, first.GetProperty("field").GetString());
        Assert.Equal(error, first.GetProperty("error").GetString());
        Assert.Equal(400, problem.RootElement.GetProperty("status").GetInt32());
        Assert.Equal(detail, problem.RootElement.GetProperty("detail").GetString());
    }

    /// <summary>A body over the server's request limit is a 413 titled for what it is, not "bad request".</summary>
    [Fact]
    public async Task A_body_over_the_server_limit_is_a_413_titled_body_too_large()
    {
        using var dir = new TempDir("binding");
        await using var host = await TestHost.StartEmbeddedAsync(dir.Path);
        var sql = new string('x', 18 << 20);

        // Asking to continue first lets the server answer before the client has sent a body it will not read.
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/query") { Content = TestHost.Json($"{{\"sql\":\"{sql}\"}}") };
        request.Headers.ExpectContinue = true;

        var response = await host.Client.SendAsync(request);

        Assert.Equal(413, (int)response.StatusCode);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("body too large", problem.RootElement.GetProperty("title").GetString());
        Assert.Equal(413, problem.RootElement.GetProperty("status").GetInt32());
    }
}
