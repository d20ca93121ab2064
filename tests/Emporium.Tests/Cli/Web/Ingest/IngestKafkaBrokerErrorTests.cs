using System.Net;
using System.Text.Json;
using Confluent.Kafka;
using Emporium.Datasets;
using Emporium.Tests.TestSupport;

namespace Emporium.Tests.Cli.Web.Ingest;

/// <summary>Ingest on Kafka when a broker refuses a produce request (errors injected into librdkafka's mock cluster):
/// the request is a 503 with the broker's reason and Retry-After, nothing of it acknowledged; its retry under the same
/// Idempotency-Key is a 202, and the stream processor lands every record once — also after an error that makes the
/// idempotent producer fail for good, which before left every later request a 503.</summary>
[Collection(HeavyEndToEnd.Name)]
public sealed class IngestKafkaBrokerErrorTests : IDisposable
{
    private readonly KafkaMockCluster _cluster = KafkaMockCluster.StartAsync().GetAwaiter().GetResult();

    public void Dispose() => _cluster.Dispose();

    [Fact]
    public async Task A_request_a_broker_refuses_is_503_and_its_retry_lands_once()
    {
        _cluster.CreateTopics(DatasetCatalog.Streamed.Select(d => d.Name), 2);
        await using var host = await TestHost.StartEmbeddedAsync(flags: new Dictionary<string, string?> { ["Log"] = _cluster.Address + "?partitions=2" });
        Assert.Equal(HttpStatusCode.Accepted, (await PostAsync(host, "first", 0)).StatusCode);

        foreach (var (error, reason, batch) in new[] { (ErrorCode.MsgSizeTooLarge, "Message size too large", 1), (ErrorCode.OutOfOrderSequenceNumber, "out of order sequence", 2) })
        {
            _cluster.PushRequestErrors(0, error);
            var refused = await PostAsync(host, $"batch-{batch}", batch * 5);
            var body = await refused.Content.ReadAsStringAsync();
            Assert.True(refused.StatusCode == HttpStatusCode.ServiceUnavailable, body);
            Assert.Contains(reason, body, StringComparison.Ordinal);
            Assert.NotNull(refused.Headers.RetryAfter);

            var retried = await PostAsync(host, $"batch-{batch}", batch * 5);
            Assert.True(retried.StatusCode == HttpStatusCode.Accepted, await retried.Content.ReadAsStringAsync());
        }

        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        (long Rows, long Invoices) landed;
        while ((landed = await CountAsync(host)).Rows < 15)
        {
            Assert.True(DateTime.UtcNow < deadline, $"the processor landed {landed.Rows} of 15 orders");
            await Task.Delay(200);
        }
        await Task.Delay(TimeSpan.FromSeconds(1));
        Assert.Equal((15L, 15L), await CountAsync(host));
    }

    private static Task<HttpResponseMessage> PostAsync(TestHost host, string key, int from)
    {
        var lines = Enumerable.Range(from, 5).Select(i => JsonSerializer.Serialize(new { invoice_no = $"INV{i:D3}", stock_code = "S1", quantity = 1, unit_price = 2.5, country = "France" }));
        return host.Client.SendAsync(new HttpRequestMessage(HttpMethod.Post, "/api/v1/ingest/orders")
        {
            Content = TestHost.Json(string.Join('\n', lines), "application/x-ndjson"),
            Headers = { { "Idempotency-Key", key } },
        });
    }

    private static async Task<(long, long)> CountAsync(TestHost host)
    {
        using var response = await host.Client.PostAsync("/api/v1/query", TestHost.Json("""{"sql":"SELECT count(*), count(DISTINCT invoice_no) FROM orders"}"""));
        var row = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("rows")[0];
        return (row[0].GetInt64(), row[1].GetInt64());
    }
}
