using System.Text.Json;
using Emporium.Tests.TestSupport;

namespace Emporium.Tests.Cli.Web;

/// <summary>A JSON body that does not parse, or holds a value of the wrong type, gets the same 400 from every endpoint
/// that reads one: where it breaks or which member is wrong, and the shape the body must have.</summary>
public sealed class ApiErrorsTests
{
    [Theory]
    [InlineData("POST", "/api/v1/query", """{"sql": "SELECT 1",""", "body", "not valid JSON at line 1, byte ", null)]
    [InlineData("POST", "/api/v1/load", """{"paths": "/tmp/x.csv", "dataset": "orders"}""", "paths", "expected a list", null)]
    [InlineData("POST", "/api/v1/crawl", """{"path": ["/tmp"]}""", "path", "expected a string", null)]
    [InlineData("PATCH", "/api/v1/dags/retail_lake", "notjson", "body", "not valid JSON at line 1, byte 2: 'notjson' is an invalid JSON literal. Expected the literal 'null'.", "not valid JSON at line 1, byte 2: 'notjson' is an invalid JSON literal. Expected the literal 'null'; the body must be a JSON object")]
    public async Task A_body_that_is_not_the_json_expected_is_a_400_saying_where(string method, string path, string body, string field, string error, string? detail)
    {
        using var dir = new TempDir("badjson");
        await using var host = await TestHost.StartEmbeddedAsync(dir.Path);
        using var request = new HttpRequestMessage(new HttpMethod(method), path) { Content = TestHost.Json(body) };

        var response = await host.Client.SendAsync(request);

        Assert.Equal(400, (int)response.StatusCode);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("invalid JSON", problem.RootElement.GetProperty("title").GetString());
        var first = problem.RootElement.GetProperty("errors")[0];
        Assert.Equal(field, first.GetProperty("field").GetString());
        Assert.StartsWith(error, first.GetProperty("error").GetString()!, StringComparison.Ordinal);
        var shown = problem.RootElement.GetProperty("detail").GetString()!;
        Assert.Equal(detail ?? shown, shown);
        Assert.DoesNotContain("LineNumber", shown, StringComparison.Ordinal);
        Assert.Contains("the body must be", shown, StringComparison.Ordinal);
    }
}
