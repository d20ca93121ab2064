using System.Text.Json;
using Emporium.Tests.TestSupport;

namespace Emporium.Tests.Cli.Web;

/// <summary>A known path asked with a method it does not take gets a 405 naming the ones it takes (routing's own 405s
/// and GETs the dashboard's catch-all would take); a path nothing serves stays a 404.</summary>
public sealed class MethodNotAllowedTests
{
    [Theory]
    [InlineData("POST", "/api/v1/marts", "GET")]
    [InlineData("DELETE", "/api/v1/dags", "GET")]
    [InlineData("GET", "/api/v1/query", "POST")]
    [InlineData("GET", "/api/v1/dags/retail_lake/backfill", "POST")]
    public async Task A_path_asked_with_a_method_it_does_not_take_is_a_405_naming_the_ones_it_takes(string method, string path, string allowed)
    {
        using var dir = new TempDir("method");
        await using var host = await TestHost.StartEmbeddedAsync(dir.Path);
        using var request = new HttpRequestMessage(new HttpMethod(method), path);

        var response = await host.Client.SendAsync(request);

        Assert.Equal(405, (int)response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal($"{method} is not served at {path}; it takes {allowed}", problem.RootElement.GetProperty("detail").GetString());
        Assert.Equal("method", problem.RootElement.GetProperty("errors")[0].GetProperty("field").GetString());
        Assert.Equal(allowed, string.Join(", ", response.Content.Headers.Allow.Count > 0 ? response.Content.Headers.Allow : response.Headers.GetValues("Allow")));
    }

    [Fact]
    public async Task An_api_path_nothing_serves_stays_a_404()
    {
        using var dir = new TempDir("method");
        await using var host = await TestHost.StartEmbeddedAsync(dir.Path);

        var response = await host.Client.GetAsync("/api/v1/nothing/here");

        Assert.Equal(404, (int)response.StatusCode);
        Assert.Contains("No endpoint at /api/v1/nothing/here", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}
