using System.Net;
using System.Text;
using System.Text.Json;

namespace Emporium.Tests.Cli.Web;

/// <summary><c>GET /api/v1/datasets</c> and <c>/api/v1/datasets/{name}</c> on the real embedded stack: the rows, log
/// offsets, lag and freshness of what was just sent, the same in the list and alone, and a 404 naming the datasets.</summary>
public sealed class DatasetEndpointsTests
{
    [Fact]
    public async Task One_dataset_shows_what_was_sent_as_the_list_does()
    {
        await using var host = await TestHost.StartEmbeddedAsync();
        var orders = string.Join('\n', Enumerable.Range(0, 7).Select(i =>
            $$"""{"invoice_no":"5{{i:D5}}","stock_code":"SC{{i}}","description":"ITEM {{i}}","quantity":{{i + 1}},"invoice_date":"2010-12-01T08:{{i:D2}}:00Z","unit_price":1.5,"customer_id":17850,"country":"France"}"""));
        var sent = await host.Client.PostAsync("/api/v1/ingest/orders", new StringContent(orders, Encoding.UTF8, "application/x-ndjson"));
        Assert.Equal(HttpStatusCode.Accepted, sent.StatusCode);

        JsonElement one = default;
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            one = JsonDocument.Parse(await host.Client.GetStringAsync("/api/v1/datasets/orders")).RootElement;
            // (The log's offsets and lag are cached for 200 ms, so they may trail the row count for a moment.)
            var ends = one.GetProperty("log").GetProperty("endOffsets").EnumerateObject().Sum(p => p.Value.GetInt64());
            if (one.GetProperty("rows").GetInt64() == 7 && ends == 7 && one.GetProperty("log").GetProperty("lag").GetInt64() == 0)
            {
                break;
            }
            await Task.Delay(100);
        }

        Assert.Equal("orders", one.GetProperty("name").GetString());
        Assert.Equal("append", one.GetProperty("mode").GetString());
        Assert.Equal(7, one.GetProperty("rows").GetInt64());
        var log = one.GetProperty("log");
        Assert.Equal(7, log.GetProperty("endOffsets").EnumerateObject().Sum(p => p.Value.GetInt64()));
        Assert.Equal(7, log.GetProperty("processed").EnumerateObject().Sum(p => p.Value.GetInt64()));
        Assert.Equal(0, log.GetProperty("lag").GetInt64());
        Assert.InRange(one.GetProperty("freshness").GetProperty("secondsSinceLastLoad").GetDouble(), 0, 60);
        Assert.Contains(one.GetProperty("columns").EnumerateArray(), c => c.GetProperty("name").GetString() == "invoice_date" && c.GetProperty("type").GetString() == "timestamp");

        var listed = JsonDocument.Parse(await host.Client.GetStringAsync("/api/v1/datasets")).RootElement.GetProperty("datasets").EnumerateArray()
            .Single(d => d.GetProperty("name").GetString() == "orders");
        Assert.Equal(one.GetProperty("rows").GetInt64(), listed.GetProperty("rows").GetInt64());
        Assert.Equal(log.GetProperty("endOffsets").GetRawText(), listed.GetProperty("log").GetProperty("endOffsets").GetRawText());
        Assert.Equal(0, JsonDocument.Parse(await host.Client.GetStringAsync("/api/v1/datasets/categories")).RootElement.GetProperty("rows").GetInt64());

        var unknown = await host.Client.GetAsync("/api/v1/datasets/invoices");
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        var problem = JsonDocument.Parse(await unknown.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("name", problem.GetProperty("errors")[0].GetProperty("field").GetString());
        Assert.Contains("orders", problem.GetProperty("known").EnumerateArray().Select(k => k.GetString()));
    }
}
