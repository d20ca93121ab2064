using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Emporium.Cli.Commands.Batch;
using Emporium.Cli.Web;
using Emporium.Cli.Web.Auth;
using Emporium.Tests.TestSupport;

namespace Emporium.Tests.Cli.Web;

/// <summary><c>DELETE /api/v1/catalog/{name}</c> on the embedded stack, with keys configured.</summary>
public sealed class CatalogEndpointsTests
{
    private const string AdminKey = "emp_catalog-admin";
    private const string ReadKey = "emp_catalog-reader";

    [Fact]
    public async Task The_catalog_names_column_types_as_the_tables_and_query_answers_do()
    {
        using var dir = new TempDir("catalog-types");
        var crawled = Directory.CreateDirectory(dir.Combine("files", "prices")).FullName;
        await File.WriteAllTextAsync(Path.Combine(crawled, "a.csv"), "sku,price,qty,seen\nA,1.5,3,2024-01-02 10:00:00\nB,2,4,2024-01-03 11:00:00\n");
        await using var host = await TestHost.StartEmbeddedAsync(dir.Combine("data"));
        using var crawl = await host.Client.PostAsync("/api/v1/crawl", JsonContent.Create(new { path = crawled }));
        Assert.Equal(HttpStatusCode.OK, crawl.StatusCode);
        using var crawlBody = JsonDocument.Parse(await crawl.Content.ReadAsStringAsync());
        using var relations = JsonDocument.Parse(await host.Client.GetStringAsync("/api/v1/tables"));

        foreach (var name in new[] { "prices", "orders" })
        {
            using var catalog = JsonDocument.Parse(await host.Client.GetStringAsync($"/api/v1/catalog/{name}"));
            var relation = relations.RootElement.GetProperty("tables").EnumerateArray().Single(t => t.GetProperty("name").GetString() == name);
            var queried = relation.GetProperty("columns").EnumerateArray().ToDictionary(c => c.GetProperty("name").GetString()!, c => c.GetProperty("type").GetString());
            var catalogued = catalog.RootElement.GetProperty("columns").EnumerateArray().ToDictionary(c => c.GetProperty("name").GetString()!, c => c.GetProperty("type").GetString());
            Assert.NotEmpty(catalogued);
            Assert.All(catalogued, c => Assert.Equal(queried[c.Key], c.Value));
        }
        var crawledTypes = crawlBody.RootElement.GetProperty("tables")[0].GetProperty("columns").EnumerateArray().Select(c => c.GetProperty("type").GetString()).ToList();
        Assert.Equal(["varchar", "double", "bigint", "timestamp"], crawledTypes);
    }

    /// <summary>The catalog lists the first files of a table and counts the rest: it is read on each visit of the
    /// dashboard's catalog page, and a crawl of 100,000 files would make it megabytes. <c>files=all</c> lists them all,
    /// and the CLI asks for that, so <c>emporium catalog --format json</c> stays complete.</summary>
    [Fact]
    public async Task The_files_of_a_table_are_capped_with_their_count_unless_all_are_asked_for()
    {
        using var dir = new TempDir("catalog-files");
        var crawled = Directory.CreateDirectory(dir.Combine("files", "many")).FullName;
        var count = CatalogEndpoints.ListedFiles + 3;
        for (var i = 0; i < count; i++)
        {
            await File.WriteAllTextAsync(Path.Combine(crawled, $"f{i:D4}.csv"), $"sku,price\nS{i},{i}\n");
        }
        await using var host = await TestHost.StartEmbeddedAsync(dir.Combine("data"));
        static JsonElement Many(JsonElement catalog) => catalog.GetProperty("tables").EnumerateArray().Single(t => t.GetProperty("name").GetString() == "many");
        JsonElement crawledAnswer, crawledAgain;
        using (var crawl = await host.Client.PostAsync("/api/v1/crawl", JsonContent.Create(new { path = crawled })))
        {
            Assert.Equal(HttpStatusCode.OK, crawl.StatusCode);
            crawledAnswer = Many(JsonDocument.Parse(await crawl.Content.ReadAsStringAsync()).RootElement);
        }
        using (var crawl = await host.Client.PostAsync("/api/v1/crawl?files=all", JsonContent.Create(new { path = crawled })))
        {
            Assert.Equal(HttpStatusCode.OK, crawl.StatusCode);
            crawledAgain = Many(JsonDocument.Parse(await crawl.Content.ReadAsStringAsync()).RootElement);
        }
        Assert.Equal(count, crawledAgain.GetProperty("files").GetArrayLength());

        var capped = new[]
        {
            crawledAnswer,
            Many(JsonDocument.Parse(await host.Client.GetStringAsync("/api/v1/catalog")).RootElement),
            JsonDocument.Parse(await host.Client.GetStringAsync("/api/v1/catalog/many")).RootElement,
        };
        foreach (var table in capped)
        {
            Assert.Equal(CatalogEndpoints.ListedFiles, table.GetProperty("files").GetArrayLength());
            Assert.Equal(count, table.GetProperty("filesTotal").GetInt32());
            Assert.Equal(3, table.GetProperty("filesOmitted").GetInt32());
        }
        var all = new[]
        {
            Many(JsonDocument.Parse(await host.Client.GetStringAsync("/api/v1/catalog?files=all")).RootElement),
            JsonDocument.Parse(await host.Client.GetStringAsync("/api/v1/catalog/many?files=all")).RootElement,
        };
        foreach (var table in all)
        {
            Assert.Equal(count, table.GetProperty("files").EnumerateArray().Select(f => f.GetString()).Distinct().Count());
            Assert.Equal(count, table.GetProperty("filesTotal").GetInt32());
            Assert.Equal(0, table.GetProperty("filesOmitted").GetInt32());
        }
        foreach (var refused in new[] { await host.Client.GetAsync("/api/v1/catalog?files=some"), await host.Client.PostAsync("/api/v1/crawl?files=some", JsonContent.Create(new { path = crawled })) })
        {
            using (refused)
            {
                Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
                Assert.Equal("files", JsonDocument.Parse(await refused.Content.ReadAsStringAsync()).RootElement.GetProperty("errors")[0].GetProperty("field").GetString());
            }
        }

        var (code, output) = await Emporium.Tests.Batch.BatchCli.RunAsync("catalog", "many", "--format", "json", "--url", host.Client.BaseAddress!.ToString().TrimEnd('/'));
        Assert.True(code == 0, output);
        Assert.Equal(count, JsonDocument.Parse(output).RootElement.GetProperty("tables")[0].GetProperty("files").GetArrayLength());
        // The crawl's print counts every file it left out, so it asks the server for all of them.
        (code, output) = await Emporium.Tests.Batch.BatchCli.RunAsync("crawl", crawled, "--url", host.Client.BaseAddress!.ToString().TrimEnd('/'));
        Assert.True(code == 0, output);
        Assert.Contains($"… and {count - CatalogOutput.ShownFiles} more files", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Dropping_a_crawled_table_needs_admin_and_unknown_tables_and_datasets_are_refused_with_the_reason()
    {
        using var dir = new TempDir("catalog-endpoints");
        var crawled = Directory.CreateDirectory(dir.Combine("files", "prices")).FullName;
        await File.WriteAllTextAsync(Path.Combine(crawled, "a.csv"), "sku,price\nA,1.5\nB,2\n");
        await using var host = await TestHost.StartEmbeddedAsync(dir.Combine("data"), new Dictionary<string, string?>
        {
            ["Auth:Keys:0:Name"] = "ops", ["Auth:Keys:0:Hash"] = ApiKeyHash.Of(AdminKey), ["Auth:Keys:0:Scopes:0"] = Scopes.Admin,
            ["Auth:Keys:0:Scopes:1"] = Scopes.Read,
            ["Auth:Keys:1:Name"] = "analyst", ["Auth:Keys:1:Hash"] = ApiKeyHash.Of(ReadKey), ["Auth:Keys:1:Scopes:0"] = Scopes.Read,
        });
        using (var relative = await Send(host, HttpMethod.Post, "/api/v1/crawl", AdminKey, JsonContent.Create(new { path = "files/prices" })))
        {
            Assert.Equal(HttpStatusCode.BadRequest, relative.StatusCode);
            Assert.Contains("'files/prices' is a relative path: give an absolute path on the server", await relative.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
        using var crawl = await Send(host, HttpMethod.Post, "/api/v1/crawl", AdminKey, JsonContent.Create(new { path = crawled }));
        Assert.Equal(HttpStatusCode.OK, crawl.StatusCode);

        using (var asReader = await Send(host, HttpMethod.Delete, "/api/v1/catalog/prices", ReadKey))
        {
            Assert.Equal(HttpStatusCode.Forbidden, asReader.StatusCode);
        }
        Assert.Equal(2, await CountAsync(host, "SELECT count(*) FROM prices"));

        using (var dataset = await Send(host, HttpMethod.Delete, "/api/v1/catalog/orders", AdminKey))
        {
            Assert.Equal(HttpStatusCode.BadRequest, dataset.StatusCode);
            Assert.Contains("only crawled tables can be dropped", await dataset.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
        using (var unknown = await Send(host, HttpMethod.Delete, "/api/v1/catalog/pricez", AdminKey))
        {
            Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
            Assert.Contains("'pricez' is not a crawled table (crawled: prices)", await unknown.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        using var dropped = await Send(host, HttpMethod.Delete, "/api/v1/catalog/PRICES", AdminKey);

        Assert.Equal(HttpStatusCode.OK, dropped.StatusCode);
        Assert.Equal("prices", JsonDocument.Parse(await dropped.Content.ReadAsStringAsync()).RootElement.GetProperty("dropped").GetString());
        using var catalog = await Send(host, HttpMethod.Get, "/api/v1/catalog/prices", ReadKey);
        Assert.Equal(HttpStatusCode.NotFound, catalog.StatusCode);
        var problem = JsonDocument.Parse(await catalog.Content.ReadAsStringAsync()).RootElement;
        Assert.StartsWith("'prices' is not catalogued (known: categories, products, reviews, orders", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal("name", problem.GetProperty("errors")[0].GetProperty("field").GetString());
        using var query = await Send(host, HttpMethod.Post, "/api/v1/query", ReadKey, JsonContent.Create(new { sql = "SELECT count(*) FROM prices" }));
        Assert.Equal(HttpStatusCode.BadRequest, query.StatusCode);
    }

    private static async Task<HttpResponseMessage> Send(TestHost host, HttpMethod method, string path, string key, HttpContent? content = null)
    {
        using var request = new HttpRequestMessage(method, path) { Content = content, Headers = { Authorization = new("Bearer", key) } };
        return await host.Client.SendAsync(request);
    }

    private static async Task<long> CountAsync(TestHost host, string sql)
    {
        using var response = await Send(host, HttpMethod.Post, "/api/v1/query", ReadKey, JsonContent.Create(new { sql }));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("rows")[0][0].GetInt64();
    }
}
