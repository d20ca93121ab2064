using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Emporium.Tests.TestSupport;

namespace Emporium.Tests.Cli.Web;

/// <summary><c>POST /api/v1/load</c> on the embedded stack.</summary>
public sealed class BatchEndpointsTests
{
    [Fact]
    public async Task A_relative_path_is_refused_naming_it_and_an_absolute_one_loads()
    {
        using var dir = new TempDir("batch-endpoints");
        var file = dir.Combine("categories.csv");
        File.Copy(SampleData.CategoriesCsv, file);
        await using var host = await TestHost.StartEmbeddedAsync(dir.Combine("data"));

        using var relative = await host.Client.PostAsJsonAsync("/api/v1/load", new { paths = new[] { "categories.csv" }, dataset = "categories" });

        Assert.Equal(HttpStatusCode.BadRequest, relative.StatusCode);
        var error = JsonDocument.Parse(await relative.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("paths", error.GetProperty("errors")[0].GetProperty("field").GetString());
        Assert.Contains("'categories.csv' is a relative path", error.GetProperty("detail").GetString(), StringComparison.Ordinal);

        using var absolute = await host.Client.PostAsJsonAsync("/api/v1/load", new { paths = new[] { file }, dataset = "categories" });
        Assert.Equal(HttpStatusCode.OK, absolute.StatusCode);
        var summary = JsonDocument.Parse(await absolute.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(File.ReadLines(SampleData.CategoriesCsv).Count() - 1, summary.GetProperty("rowsLoaded").GetInt64());
    }

    [Fact]
    public async Task A_bad_request_names_the_field_at_fault()
    {
        using var dir = new TempDir("batch-endpoints");
        var file = dir.Combine("categories.csv");
        File.Copy(SampleData.CategoriesCsv, file);
        await using var host = await TestHost.StartEmbeddedAsync(dir.Combine("data"));

        async Task<(HttpStatusCode Status, string? Field)> PostAsync(object body)
        {
            using var response = await host.Client.PostAsJsonAsync("/api/v1/load", body);
            var error = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
            return (response.StatusCode, error.GetProperty("errors")[0].GetProperty("field").GetString());
        }

        Assert.Equal((HttpStatusCode.BadRequest, "format"), await PostAsync(new { paths = new[] { file }, dataset = "categories", format = "xml" }));
        Assert.Equal((HttpStatusCode.BadRequest, "set"), await PostAsync(new { paths = new[] { file }, dataset = "categories", set = new { categry_name = "x" } }));
        Assert.Equal((HttpStatusCode.NotFound, "dataset"), await PostAsync(new { paths = new[] { file }, dataset = "category" }));
        Assert.Equal((HttpStatusCode.BadRequest, "paths"), await PostAsync(new { paths = new[] { dir.Combine("missing.csv") }, dataset = "categories" }));
    }
}
