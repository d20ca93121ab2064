using System.Net;
using System.Text;
using System.Text.Json;
using Emporium.Tests.TestSupport;
using Emporium.Tests.Web.Dashboard;

namespace Emporium.Tests.Cli.Web;

/// <summary><c>POST /api/v1/replay</c> reads its JSON body whatever the content type says (curl's default is a form),
/// and every bad body, dataset, offset or partition is a 400/404 naming the field.</summary>
public sealed class ReplayEndpointsTests
{
    [Theory]
    [InlineData("""{"dataset":"orders","fromOffset":"x"}""", 400, "fromOffset", "fromOffset: expected an integer; the body must be")]
    [InlineData("""{"dataset":"orders","fromOffset":""", 400, "body", "not valid JSON at line 1, byte 34")]
    [InlineData("""{"dataset":"invoices","fromOffset":0}""", 404, "dataset", "'invoices' is not a dataset")]
    [InlineData("""{"dataset":"orders","fromOffset":-1}""", 400, "fromOffset", "fromOffset is required and must be >= 0")]
    [InlineData("""{"dataset":"orders","fromOffset":0,"partition":9}""", 400, "partition", "orders has no partition 9; its partitions are 0, 1, 2, 3")]
    public async Task A_bad_request_names_the_field(string body, int status, string field, string detail)
    {
        using var dir = new TempDir("replay-api");
        await using var host = await TestHost.StartEmbeddedAsync(dir.Path);
        // As curl -d sends it.
        using var content = new StringContent(body, Encoding.UTF8, "application/x-www-form-urlencoded");

        var response = await host.Client.PostAsync("/api/v1/replay", content);

        Assert.Equal(status, (int)response.StatusCode);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(field, problem.RootElement.GetProperty("errors")[0].GetProperty("field").GetString());
        Assert.Contains(detail, problem.RootElement.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_form_typed_json_body_replays()
    {
        using var dir = new TempDir("replay-api");
        await using var host = await TestHost.StartEmbeddedAsync(dir.Path);
        using var content = new StringContent("""{"dataset":"orders","fromOffset":0,"partition":1}""", Encoding.UTF8, "application/x-www-form-urlencoded");

        var response = await host.Client.PostAsync("/api/v1/replay", content);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("orders", doc.RootElement.GetProperty("dataset").GetString());
    }

    /// <summary>Dead letters are a dataset the processor lands (appended, like orders): they replay, and re-reading them
    /// does not double them.</summary>
    [Fact]
    public async Task Dead_letters_replay_without_doubling()
    {
        using var dir = new TempDir("replay-api");
        await using var host = await TestHost.StartEmbeddedAsync(dir.Path);
        using (var sent = await host.Client.PostAsync("/api/v1/ingest/orders", TestHost.Json("""[{"invoice_no":"1","quantity":"many"},{"stock_code":"X"},{"invoice_no":"2","stock_code":"A","quantity":1,"unit_price":1.5,"invoice_date":"2024-01-01T00:00:00Z","country":"France"}]""")))
        {
            Assert.Equal(HttpStatusCode.Accepted, sent.StatusCode);
        }
        await DeadLettersLandedAsync(host, 2);

        var response = await host.Client.PostAsync("/api/v1/replay", TestHost.Json("""{"dataset":"DEAD_LETTERS","fromOffset":0}"""));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using (var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync()))
        {
            Assert.Equal("dead_letters", doc.RootElement.GetProperty("dataset").GetString());
        }
        await DeadLettersLandedAsync(host, 2);
    }

    /// <summary>Waits until the processor's committed position on dead_letters is <paramref name="expected"/> (one
    /// record per letter: its log end), then checks the rows landed are as many.</summary>
    private static async Task DeadLettersLandedAsync(TestHost host, long expected)
    {
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (true)
        {
            // The offsets table is not open to queries: the warehouse gives the group's positions itself.
            var position = (await host.Host.Backends.RequireWarehouse().GetOffsetsAsync("stream", CancellationToken.None))
                .Where(kv => kv.Key.Topic == "dead_letters").Sum(kv => kv.Value);
            if (position == expected || DateTime.UtcNow > deadline)
            {
                Assert.Equal(expected, position);
                Assert.Equal(expected, await CountAsync(host, "SELECT count(*) AS n FROM dead_letters"));
                return;
            }
            await Task.Delay(50);
        }
    }

    private static async Task<long> CountAsync(TestHost host, string sql) => (long)(await MartTable.QueryAsync(host.Client, sql)).Numbers("n")[0]!;
}
