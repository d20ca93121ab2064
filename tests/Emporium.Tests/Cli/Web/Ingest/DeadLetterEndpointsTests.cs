using System.Net;
using System.Text;
using System.Text.Json;
using Emporium.Tests.TestSupport;

namespace Emporium.Tests.Cli.Web.Ingest;

/// <summary>Dead letters on the real embedded stack: rejected records go through the log and the stream processor
/// into the <c>dead_letters</c> table, which <c>GET /api/v1/deadletters</c> and the SQL explorer both read.</summary>
[Collection(HeavyEndToEnd.Name)]
public class DeadLetterEndpointsTests
{
    [Fact]
    public async Task RejectedRecordsLandInTheDeadLetterTableOnceEvenWhenTheRequestIsRetried()
    {
        await using var host = await TestHost.StartEmbeddedAsync();
        // Real UCI lines as the seed client sends them, one with a quantity that is not a number, plus a broken line.
        var good = File.ReadLines(SampleData.OnlineRetail).Skip(1).Take(3).Select(OrderJson).ToList();
        var bad = good[1].Replace("\"Quantity\":\"", "\"Quantity\":\"x", StringComparison.Ordinal);
        var body = string.Join('\n', good[0], bad, "{\"InvoiceNo\": ", good[2]);
        for (var attempt = 0; attempt < 2; attempt++)
        {
            var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/ingest/orders") { Content = TestHost.Json(body, "application/x-ndjson") };
            request.Headers.Add("Idempotency-Key", "dead-letters-1");
            var response = await host.Client.SendAsync(request);
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        }

        var letters = await PollAsync(host, "/api/v1/deadletters?dataset=Orders&limit=10", 2);
        Assert.Equal(2, letters.GetProperty("total").GetInt64());
        var list = letters.GetProperty("deadletters").EnumerateArray().ToList();
        Assert.Equal([2, 1], list.Select(l => l.GetProperty("index").GetInt32()));
        Assert.Equal("Quantity", list[1].GetProperty("errors")[0].GetProperty("field").GetString());
        Assert.Equal(bad, list[1].GetProperty("raw").GetString());
        Assert.Contains("line 3", list[0].GetProperty("errors")[0].GetProperty("error").GetString());
        Assert.All(list, l => Assert.Equal("orders", l.GetProperty("dataset").GetString()));
        Assert.Equal(list[0].GetProperty("requestId").GetString(), list[1].GetProperty("requestId").GetString());

        var explorer = await host.Client.PostAsync("/api/v1/query",
            TestHost.Json("{\"sql\":\"SELECT dataset, record_index, field FROM dead_letters ORDER BY record_index\"}"));
        Assert.Equal(HttpStatusCode.OK, explorer.StatusCode);
        var rows = JsonDocument.Parse(await explorer.Content.ReadAsStringAsync()).RootElement.GetProperty("rows");
        Assert.Equal("[[\"orders\",1,\"Quantity\"],[\"orders\",2,\"$\"]]", rows.GetRawText().Replace(" ", "", StringComparison.Ordinal));
        Assert.Empty((await PollAsync(host, "/api/v1/deadletters?dataset=products", 0)).GetProperty("deadletters").EnumerateArray());
        Assert.Single((await PollAsync(host, "/api/v1/deadletters?limit=1", 1)).GetProperty("deadletters").EnumerateArray());
        var misspelt = await host.Client.GetAsync("/api/v1/deadletters?dataset=order");
        Assert.Equal(HttpStatusCode.NotFound, misspelt.StatusCode);
        Assert.Contains("'order' is not a dataset; known datasets: categories, products, reviews, orders", await misspelt.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        foreach (var limit in new[] { "0", "-5", "10001", "many" })
        {
            var refused = await host.Client.GetAsync($"/api/v1/deadletters?limit={limit}");
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
            Assert.Equal("limit", JsonDocument.Parse(await refused.Content.ReadAsStringAsync()).RootElement.GetProperty("errors")[0].GetProperty("field").GetString());
        }

        var metrics = await host.Client.GetStringAsync("/metrics");
        Assert.Contains("\nemporium_deadletters 2\n", metrics);
        Assert.Contains("# TYPE emporium_ingest_records_per_second gauge", metrics);
        Assert.Contains("emporium_ingest_dataset_records_per_second{dataset=\"orders\"}", metrics);
    }

    [Fact]
    public async Task Dead_letters_are_read_page_by_page_with_offset()
    {
        await using var host = await TestHost.StartEmbeddedAsync();
        var body = string.Join('\n', Enumerable.Range(0, 5).Select(i => $"{{\"asin\":\"B{i:D9}\",\"rating\":\"bad-{i}\"}}"));
        var response = await host.Client.PostAsync("/api/v1/ingest/reviews", TestHost.Json(body, "application/x-ndjson"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        await PollAsync(host, "/api/v1/deadletters", 5);

        var pages = new List<List<int>>();
        foreach (var offset in new[] { 0, 2, 4, 5 })
        {
            var page = await PollAsync(host, $"/api/v1/deadletters?limit=2&offset={offset}", offset >= 5 ? 0 : Math.Min(2, 5 - offset));
            Assert.Equal(5, page.GetProperty("total").GetInt64());
            pages.Add(page.GetProperty("deadletters").EnumerateArray().Select(l => l.GetProperty("index").GetInt32()).ToList());
        }
        Assert.Equal([[4, 3], [2, 1], [0], []], pages);
        foreach (var offset in new[] { "-1", "many" })
        {
            var refused = await host.Client.GetAsync($"/api/v1/deadletters?offset={offset}");
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
            Assert.Equal("offset", JsonDocument.Parse(await refused.Content.ReadAsStringAsync()).RootElement.GetProperty("errors")[0].GetProperty("field").GetString());
        }
    }

    /// <summary>The UCI CSV line as the JSON object the seed's CSV→JSON client posts (all values as text).</summary>
    private static string OrderJson(string csvLine)
    {
        var f = csvLine.Split(',');
        var names = new[] { "InvoiceNo", "StockCode", "Description", "Quantity", "InvoiceDate", "UnitPrice", "CustomerID", "Country" };
        var sb = new StringBuilder("{");
        for (var i = 0; i < names.Length; i++)
        {
            sb.Append(i > 0 ? "," : "").Append(JsonSerializer.Serialize(names[i])).Append(':').Append(JsonSerializer.Serialize(f[i]));
        }
        return sb.Append('}').ToString();
    }

    private static async Task<JsonElement> PollAsync(TestHost host, string url, int expected)
    {
        // The letters land through the stream processor of a host just started: as long as the other waits on it.
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(90);
        while (true)
        {
            var json = JsonDocument.Parse(await host.Client.GetStringAsync(url)).RootElement;
            if (json.GetProperty("deadletters").GetArrayLength() >= expected || DateTime.UtcNow > deadline)
            {
                return json;
            }
            await Task.Delay(50);
        }
    }
}
