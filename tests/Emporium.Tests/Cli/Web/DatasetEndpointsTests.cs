using System.Net;
using System.Text;
using System.Text.Json;

namespace Emporium.Tests.Cli.Web;

/// <summary><c>GET /api/v1/datasets</c> and <c>/api/v1/datasets/{name}</c> on the real embedded stack: the rows, log
/// offsets, lag and freshness of what was just sent, the same in the list and alone, and a 404 naming the datasets; the
/// dead letters listed with the datasets, marked as such.</summary>
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
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(90);
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

    [Fact]
    public async Task The_list_shows_the_dead_letters_with_their_rows_lag_rate_and_freshness()
    {
        // The rate shows only within its window after the post, while the rows show once the stream processor has
        // loaded them, which on a busy machine can take longer than a short window: each is awaited on its own, with
        // a window long enough for the first look.
        await using var host = await TestHost.StartEmbeddedAsync(flags: new Dictionary<string, string?> { ["Ingest:RateWindow"] = "00:00:30" });
        // Three records ingest rejects (no invoice, a quantity that is no number, a line that is no JSON) and one it keeps.
        const string body = "{\"quantity\":1,\"unit_price\":1}\n{\"invoice_no\":\"1\",\"quantity\":\"x\",\"unit_price\":1}\nnot json\n"
                            + "{\"invoice_no\":\"2\",\"quantity\":1,\"unit_price\":1}";
        var sent = await host.Client.PostAsync("/api/v1/ingest/orders", new StringContent(body, Encoding.UTF8, "application/x-ndjson"));
        Assert.Equal(HttpStatusCode.Accepted, sent.StatusCode);
        Assert.Equal(3, JsonDocument.Parse(await sent.Content.ReadAsStringAsync()).RootElement.GetProperty("rejected").GetInt32());

        // The rate leaves out the second in progress, so it shows once the post's second has passed (and until the
        // window has passed: the wait ends well before).
        var (_, early) = await PollDeadLettersAsync(host, TimeSpan.FromSeconds(20), d => d.GetProperty("ingestRate").GetDouble() > 0);
        Assert.Equal(0.1, early.GetProperty("ingestRate").GetDouble()); // 3 records over the 30 s window

        // The log's offsets and lag are cached for 200 ms (the post itself may have read them just before appending),
        // so a lag of 0 counts only with the end offsets that include the three.
        var (list, dead) = await PollDeadLettersAsync(host, TimeSpan.FromSeconds(90), d => d.GetProperty("rows").GetInt64() == 3
            && d.GetProperty("log").GetProperty("endOffsets").EnumerateObject().Sum(p => p.Value.GetInt64()) == 3
            && d.GetProperty("log").GetProperty("lag").ValueKind == JsonValueKind.Number && d.GetProperty("log").GetProperty("lag").GetInt64() == 0);
        Assert.Equal("dead_letters", dead.GetProperty("kind").GetString());
        Assert.All(list.EnumerateArray().Where(d => d.GetProperty("name").GetString() != "dead_letters"), d => Assert.Equal("dataset", d.GetProperty("kind").GetString()));
        Assert.Equal(3, dead.GetProperty("rows").GetInt64());
        Assert.Equal(3, dead.GetProperty("log").GetProperty("endOffsets").EnumerateObject().Sum(p => p.Value.GetInt64()));
        Assert.Equal(3, dead.GetProperty("log").GetProperty("processed").EnumerateObject().Sum(p => p.Value.GetInt64()));
        Assert.Equal(0, dead.GetProperty("log").GetProperty("lag").GetInt64());
        Assert.InRange(dead.GetProperty("freshness").GetProperty("secondsSinceLastLoad").GetDouble(), 0, 60);
        Assert.Contains(dead.GetProperty("columns").EnumerateArray(), c => c.GetProperty("name").GetString() == "raw");

        // Alone, the same answer; the 404 of an unknown name lists it among the datasets.
        var one = JsonDocument.Parse(await host.Client.GetStringAsync("/api/v1/datasets/dead_letters")).RootElement;
        Assert.Equal("dead_letters", one.GetProperty("kind").GetString());
        Assert.Equal(3, one.GetProperty("rows").GetInt64());
        var unknown = JsonDocument.Parse(await (await host.Client.GetAsync("/api/v1/datasets/invoices")).Content.ReadAsStringAsync()).RootElement;
        Assert.Contains("dead_letters", unknown.GetProperty("known").EnumerateArray().Select(k => k.GetString()));
    }

    /// <summary>The list and its dead letters' entry once <paramref name="done"/> holds of that entry, or the last ones
    /// seen when <paramref name="within"/> has passed.</summary>
    private static async Task<(JsonElement List, JsonElement Dead)> PollDeadLettersAsync(TestHost host, TimeSpan within, Func<JsonElement, bool> done)
    {
        JsonElement list = default, dead = default;
        var deadline = DateTime.UtcNow + within;
        while (DateTime.UtcNow < deadline)
        {
            list = JsonDocument.Parse(await host.Client.GetStringAsync("/api/v1/datasets")).RootElement.GetProperty("datasets");
            dead = list.EnumerateArray().FirstOrDefault(d => d.GetProperty("name").GetString() == "dead_letters");
            if (dead.ValueKind == JsonValueKind.Object && done(dead))
            {
                break;
            }
            await Task.Delay(100);
        }
        Assert.True(dead.ValueKind == JsonValueKind.Object, $"dead_letters not listed: {list}");
        return (list, dead);
    }
}
