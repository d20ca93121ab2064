using System.Text.Json;
using Emporium.Tests.TestSupport;
using Emporium.Warehouse.DuckDb;

namespace Emporium.Tests.Cli.Web;

/// <summary><c>POST /api/v1/query</c>: the body's members are checked by type before any SQL runs.</summary>
public sealed class QueryEndpointsTests
{
    [Theory]
    [InlineData("""{"sql":1}""", "sql", "expected a string")]
    [InlineData("""{"sql":["select 1"]}""", "sql", "expected a string")]
    [InlineData("""{"sql":"select 1","maxRows":"x"}""", "maxRows", "expected an integer")]
    [InlineData("""{"sql":"select 1","maxRows":1.5}""", "maxRows", "expected an integer")]
    [InlineData("""{"sql":"select 1","maxRows":true}""", "maxRows", "expected an integer")]
    [InlineData("""{"sql":"select 1","maxRows":0}""", "maxRows", "must be at least 1")]
    [InlineData("""{"sql":"select 1","maxRows":-5}""", "maxRows", "must be at least 1")]
    public async Task A_member_of_the_wrong_type_is_a_400_naming_it(string body, string field, string error)
    {
        using var dir = new TempDir("query-api");
        await using var warehouse = new DuckDbWarehouse(new DuckDbWarehouseOptions { Path = dir.Combine("w.duckdb") });
        await using var host = await TestHost.StartAsync(warehouse: warehouse);

        var response = await host.Client.PostAsync("/api/v1/query", TestHost.Json(body));

        Assert.Equal(400, (int)response.StatusCode);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(field, problem.RootElement.GetProperty("errors")[0].GetProperty("field").GetString());
        Assert.Equal(error, problem.RootElement.GetProperty("errors")[0].GetProperty("error").GetString());
        // Worded as every body member is (docs/http-api.md): the member, the reason, the body's shape.
        Assert.StartsWith($"{field}: {error}; the body must be {{", problem.RootElement.GetProperty("detail").GetString());
    }

    [Theory]
    [InlineData("99999999999")]
    [InlineData("1e7")]
    public async Task A_maxRows_past_the_cap_is_taken_as_the_cap(string maxRows)
    {
        using var dir = new TempDir("query-api");
        await using var warehouse = new DuckDbWarehouse(new DuckDbWarehouseOptions { Path = dir.Combine("w.duckdb") });
        await using var host = await TestHost.StartAsync(warehouse: warehouse);

        var response = await host.Client.PostAsync("/api/v1/query", TestHost.Json($$"""{"sql":"SELECT * FROM range(10)","maxRows":{{maxRows}}}"""));

        Assert.Equal(200, (int)response.StatusCode);
        using var table = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(10, table.RootElement.GetProperty("rows").GetArrayLength());
    }

    [Fact]
    public async Task MaxRows_caps_the_rows_returned()
    {
        using var dir = new TempDir("query-api");
        await using var warehouse = new DuckDbWarehouse(new DuckDbWarehouseOptions { Path = dir.Combine("w.duckdb") });
        await using var host = await TestHost.StartAsync(warehouse: warehouse);

        var response = await host.Client.PostAsync("/api/v1/query", TestHost.Json("""{"sql":"SELECT * FROM range(10)","maxRows":3}"""));

        Assert.Equal(200, (int)response.StatusCode);
        using var table = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(3, table.RootElement.GetProperty("rows").GetArrayLength());
        Assert.True(table.RootElement.GetProperty("truncated").GetBoolean());
        Assert.Equal("maxRows", table.RootElement.GetProperty("truncatedBy").GetString());
    }

    [Fact]
    public async Task A_result_past_the_byte_budget_is_cut_there_and_says_which_limit_cut_it()
    {
        using var dir = new TempDir("query-api");
        await using var warehouse = new DuckDbWarehouse(new DuckDbWarehouseOptions { Path = dir.Combine("w.duckdb"), MaxResultBytes = 50_000 });
        await using var host = await TestHost.StartAsync(warehouse: warehouse);

        var response = await host.Client.PostAsync("/api/v1/query", TestHost.Json("""{"sql":"SELECT repeat('x', 1000) FROM range(1000)","maxRows":1000000}"""));

        Assert.Equal(200, (int)response.StatusCode);
        var text = await response.Content.ReadAsStringAsync();
        using var table = JsonDocument.Parse(text);
        Assert.InRange(table.RootElement.GetProperty("rows").GetArrayLength(), 1, 49);
        Assert.True(text.Length <= 50_000 + 200, $"{text.Length} characters for a 50 000-byte budget");
        Assert.True(table.RootElement.GetProperty("truncated").GetBoolean());
        Assert.Equal("maxResultBytes", table.RootElement.GetProperty("truncatedBy").GetString());
    }

    [Fact]
    public async Task A_whole_result_names_no_limit()
    {
        using var dir = new TempDir("query-api");
        await using var warehouse = new DuckDbWarehouse(new DuckDbWarehouseOptions { Path = dir.Combine("w.duckdb") });
        await using var host = await TestHost.StartAsync(warehouse: warehouse);

        var response = await host.Client.PostAsync("/api/v1/query", TestHost.Json("""{"sql":"SELECT * FROM range(10)"}"""));

        using var table = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.False(table.RootElement.GetProperty("truncated").GetBoolean());
        Assert.Equal(JsonValueKind.Null, table.RootElement.GetProperty("truncatedBy").ValueKind);
    }

    [Theory]
    [InlineData("DELETE FROM range_table", "query refused", "query refused: ")]
    [InlineData("   ", "missing sql", "expected")]
    [InlineData("SELECT no_such_column FROM range(3)", "query failed", "Binder Error")]
    [InlineData("SELECT CAST('x' AS INTEGER)", "query failed", "Conversion Error")]
    public async Task A_refused_query_and_a_failed_one_are_told_apart(string sql, string title, string detail)
    {
        using var dir = new TempDir("query-api");
        await using var warehouse = new DuckDbWarehouse(new DuckDbWarehouseOptions { Path = dir.Combine("w.duckdb") });
        await using var host = await TestHost.StartAsync(warehouse: warehouse);

        var response = await host.Client.PostAsync("/api/v1/query", TestHost.Json(JsonSerializer.Serialize(new { sql })));

        Assert.Equal(400, (int)response.StatusCode);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(title, problem.RootElement.GetProperty("title").GetString());
        Assert.StartsWith(detail, problem.RootElement.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    /// <summary>A query or a load past the warehouse's memory_limit names what ran out and the setting that bounds it:
    /// a query said DuckDB's "Out of Memory Error" as a 400 of a bad query, a load was a bare 500.</summary>
    [Fact]
    public async Task A_query_or_load_past_the_memory_limit_is_a_507_naming_the_setting()
    {
        using var dir = new TempDir("query-api");
        await using var host = await TestHost.StartEmbeddedAsync(dir.Combine("data"),
            new Dictionary<string, string?> { ["Warehouse"] = $"duckdb:{dir.Combine("w.duckdb")}?memory_limit=8MB" });
        var csv = dir.Combine("products.csv");
        await using (var writer = new StreamWriter(csv))
        {
            await writer.WriteAsync("asin,title,price,stars,observed_at\n");
            for (var k = 0; k < 300_000; k++)
            {
                await writer.WriteAsync($"B{k:D9},title {k} {new string('x', 100)},{k % 90 + 1}.50,4.5,2024-01-01 10:00:00\n");
            }
        }

        foreach (var (path, body) in new[]
                 {
                     ("/api/v1/query", """{"sql":"SELECT list(i) FROM range(20000000) t(i)"}"""),
                     ("/api/v1/load", JsonSerializer.Serialize(new { paths = new[] { csv }, dataset = "products" })),
                 })
        {
            var response = await host.Client.PostAsync(path, TestHost.Json(body));

            Assert.Equal(507, (int)response.StatusCode);
            using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            Assert.Equal("out of memory", problem.RootElement.GetProperty("title").GetString());
            Assert.Contains("memory_limit", problem.RootElement.GetProperty("detail").GetString(), StringComparison.Ordinal);
        }
    }
}
