using System.Net;
using System.Text;
using System.Text.Json;
using Emporium.Datasets;
using Emporium.Tests.TestSupport;

namespace Emporium.Tests.Cli.Web.Ingest;

public class IngestEndpointsTests
{
    private const string Order = "{\"invoice_no\":\"%ID%\",\"quantity\":2,\"unit_price\":1.5,\"country\":\"France\"}";

    private static string OrderJson(string id) => Order.Replace("%ID%", id, StringComparison.Ordinal);

    private static async Task<JsonElement> JsonOf(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

    [Fact]
    public async Task ARetryAfterAPartialAppendAppendsOnlyTheRecordsThatWereNotDurable()
    {
        var log = new InMemoryEventLog { KeepThenFail = 2 };
        await using var host = await TestHost.StartAsync(log, new StrictTestNormalizer());
        var body = $"[{string.Join(',', Enumerable.Range(1, 5).Select(i => OrderJson($"P{i}")))}]";
        HttpRequestMessage Request() => new(HttpMethod.Post, "/api/v1/ingest/orders") { Content = TestHost.Json(body), Headers = { { "Idempotency-Key", "partial-1" } } };

        var failed = await host.Client.SendAsync(Request());
        Assert.Equal(HttpStatusCode.ServiceUnavailable, failed.StatusCode);
        Assert.Equal(2, log.Messages("orders").Count);

        log.KeepThenFail = null;
        var retried = await host.Client.SendAsync(Request());
        Assert.Equal(HttpStatusCode.Accepted, retried.StatusCode);
        Assert.Equal(5, (await JsonOf(retried)).GetProperty("accepted").GetInt32());
        var again = await host.Client.SendAsync(Request());
        Assert.Equal(HttpStatusCode.Accepted, again.StatusCode);

        // Each record of the request is in the log exactly once.
        var invoices = log.Messages("orders").Select(m => (string)CanonicalJson.Deserialize(DatasetCatalog.Orders, m.Value.Span)["invoice_no"]!).ToList();
        Assert.Equal(["P1", "P2", "P3", "P4", "P5"], invoices.Order());
    }

    [Fact]
    public async Task MixedNdjsonKeepsValidRecordsAndReportsTheOthers()
    {
        var log = new InMemoryEventLog();
        await using var host = await TestHost.StartAsync(log, new StrictTestNormalizer());
        var body = string.Join('\n', OrderJson("A1"), "{\"invoice_no\":\"A2\",\"quantity\":\"two\",\"unit_price\":1}", "{not json", "{\"quantity\":1,\"unit_price\":1}", OrderJson("A3"));
        var response = await host.Client.PostAsync("/api/v1/ingest/orders", TestHost.Json(body, "application/x-ndjson"));
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var json = await JsonOf(response);
        Assert.Equal("orders", json.GetProperty("dataset").GetString());
        Assert.Equal(2, json.GetProperty("accepted").GetInt32());
        Assert.Equal(3, json.GetProperty("rejected").GetInt32());
        var errors = json.GetProperty("errors").EnumerateArray().ToList();
        Assert.Contains(errors, e => e.GetProperty("index").GetInt32() == 1 && e.GetProperty("field").GetString() == "quantity");
        Assert.Contains(errors, e => e.GetProperty("index").GetInt32() == 2 && e.GetProperty("field").GetString() == "$" && e.GetProperty("error").GetString()!.Contains("line 3"));
        Assert.Contains(errors, e => e.GetProperty("index").GetInt32() == 3 && e.GetProperty("field").GetString() == "invoice_no");
        var notJson = errors.Single(e => e.GetProperty("index").GetInt32() == 2).GetProperty("error").GetString()!;
        Assert.Contains('\'', notJson);
        Assert.Contains(JsonSerializer.Serialize(notJson, new JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }),
            await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        var appended = log.Messages("orders").Select(m => CanonicalJson.Deserialize(DatasetCatalog.Orders, m.Value.Span)["invoice_no"]).ToList();
        Assert.Equal(["A1", "A3"], appended);

        // The rejected records are durable in the dead-letter topic (the processor lands them in the dead_letters table).
        var letters = log.Messages(DatasetCatalog.DeadLetters.Name).Select(m => CanonicalJson.Deserialize(DatasetCatalog.DeadLetters, m.Value.Span)).ToList();
        Assert.Equal([1L, 2L, 3L], letters.Select(l => l["record_index"]));
        Assert.All(letters, l => Assert.Equal("orders", l["dataset"]));
        Assert.Equal("{not json", letters[1]["raw"]);
        Assert.Equal("quantity", letters[0]["field"]);
    }

    [Theory]
    [InlineData("application/x-ndjson", "\n")]
    [InlineData("application/json", ",")]
    public async Task A_lone_surrogate_escape_rejects_its_record_only(string contentType, string separator)
    {
        var log = new InMemoryEventLog();
        await using var host = await TestHost.StartAsync(log, RecordNormalizer.Instance);
        var records = new[] { OrderJson("S1"), OrderJson("S2\\ud800"), "{\"invoice_no\":\"S3\",\"quantity\":2,\"unit_price\":1.5,\"country\":\"\\udc00x\"}", OrderJson("S4") };
        var body = string.Join(separator, records);

        var response = await host.Client.PostAsync("/api/v1/ingest/orders", TestHost.Json(contentType == "application/json" ? $"[{body}]" : body, contentType));

        Assert.True(response.StatusCode == HttpStatusCode.Accepted, await response.Content.ReadAsStringAsync());
        var json = await JsonOf(response);
        Assert.Equal((2, 2), (json.GetProperty("accepted").GetInt32(), json.GetProperty("rejected").GetInt32()));
        var errors = json.GetProperty("errors").EnumerateArray().ToList();
        Assert.Equal([1, 2], errors.Select(e => e.GetProperty("index").GetInt32()));
        Assert.All(errors, e => Assert.Contains("not valid text: a \\u escape is half of a UTF-16 surrogate pair", e.GetProperty("error").GetString(), StringComparison.Ordinal));
        Assert.Equal(["S1", "S4"], log.Messages("orders").Select(m => CanonicalJson.Deserialize(DatasetCatalog.Orders, m.Value.Span)["invoice_no"]));
        Assert.Equal([1L, 2L], log.Messages(DatasetCatalog.DeadLetters.Name).Select(m => CanonicalJson.Deserialize(DatasetCatalog.DeadLetters, m.Value.Span)["record_index"]));
    }

    /// <summary>A record valid by the rules but longer than the log takes (8 MiB embedded, 1 MB on Kafka) failed the
    /// whole request with a 500 "internal error" and a stack trace in the server log; a client retried it for good and
    /// the other records of the request never landed.</summary>
    [Fact]
    public async Task A_record_longer_than_the_log_takes_is_rejected_and_the_others_land()
    {
        // Above a dead letter's size (its raw text is cut to 8 192 characters), as the real logs' limits are.
        var log = new InMemoryEventLog { MaxRecordBytes = 10_000 };
        await using var host = await TestHost.StartAsync(log, new StrictTestNormalizer());
        var big = $"{{\"invoice_no\":\"A2\",\"quantity\":1,\"unit_price\":1,\"description\":\"{new string('x', 20_000)}\"}}";
        var body = string.Join('\n', OrderJson("A1"), big, OrderJson("A3"));

        var response = await host.Client.PostAsync("/api/v1/ingest/orders", TestHost.Json(body, "application/x-ndjson"));

        Assert.True(response.StatusCode == HttpStatusCode.Accepted, await response.Content.ReadAsStringAsync());
        var json = await JsonOf(response);
        Assert.Equal((2, 1), (json.GetProperty("accepted").GetInt32(), json.GetProperty("rejected").GetInt32()));
        var error = json.GetProperty("errors").EnumerateArray().Single();
        Assert.Equal((1, "$"), (error.GetProperty("index").GetInt32(), error.GetProperty("field").GetString()));
        Assert.Matches(@"^the record takes 20\d\d\d bytes in the log, more than the 10000 it takes per record \(memory\)", error.GetProperty("error").GetString());
        var invoices = log.Messages("orders").Select(m => (string)CanonicalJson.Deserialize(DatasetCatalog.Orders, m.Value.Span)["invoice_no"]!).ToList();
        Assert.Equal(["A1", "A3"], invoices.Order());
        Assert.Single(log.Messages(DatasetCatalog.DeadLetters.Name));

        // Alone, it is a request with nothing valid: 400, not a server error.
        response = await host.Client.PostAsync("/api/v1/ingest/orders", TestHost.Json(big));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task JsonArrayAndSingleObjectAreAccepted()
    {
        var log = new InMemoryEventLog();
        await using var host = await TestHost.StartAsync(log, new StrictTestNormalizer());
        Assert.Equal(HttpStatusCode.Accepted, (await host.Client.PostAsync("/api/v1/ingest/orders", TestHost.Json($"[{OrderJson("B1")},{OrderJson("B2")}]"))).StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, (await host.Client.PostAsync("/api/v1/ingest/ORDERS", TestHost.Json(OrderJson("B3")))).StatusCode);
        Assert.Equal(3, log.Messages("orders").Count);
    }

    [Fact]
    public async Task NothingValidIs400AndNothingIsAppended()
    {
        var log = new InMemoryEventLog();
        await using var host = await TestHost.StartAsync(log, new StrictTestNormalizer());
        var response = await host.Client.PostAsync("/api/v1/ingest/orders", TestHost.Json("[{\"invoice_no\":5,\"quantity\":1,\"unit_price\":1}]"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var json = await JsonOf(response);
        Assert.Equal(0, json.GetProperty("accepted").GetInt32());
        Assert.Equal("invoice_no", json.GetProperty("errors")[0].GetProperty("field").GetString());
        Assert.Empty(log.Messages("orders"));
    }

    /// <summary>Every rejected record cost about 140 bytes of answer: a 1 MB body of 350 000 empty objects was answered
    /// with 48 MB (and a 16 MB one would have been 770 MB, built in memory and, with an Idempotency-Key, stored). The
    /// answer lists the first <see cref="Emporium.Cli.Web.Ingest.IngestHandler.MaxListedErrors"/> errors and counts the others; every rejected
    /// record is still a dead letter.</summary>
    [Theory]
    [InlineData(true, 202)]
    [InlineData(false, 400)]
    public async Task The_answer_lists_the_first_errors_and_counts_the_others(bool oneValid, int status)
    {
        var log = new InMemoryEventLog();
        await using var host = await TestHost.StartAsync(log, RecordNormalizer.Instance);
        // An empty object lacks both required columns of a category: two errors each.
        var body = (oneValid ? "{\"id\":1,\"category_name\":\"Toys\"}\n" : "") + string.Concat(Enumerable.Repeat("{}\n", 3_000));

        var response = await host.Client.PostAsync("/api/v1/ingest/categories", new StringContent(body, System.Text.Encoding.UTF8, "application/x-ndjson"));

        Assert.Equal(status, (int)response.StatusCode);
        var json = await JsonOf(response);
        Assert.Equal(3_000, json.GetProperty("rejected").GetInt32());
        var errors = json.GetProperty("errors");
        Assert.Equal(Emporium.Cli.Web.Ingest.IngestHandler.MaxListedErrors, errors.GetArrayLength());
        Assert.Equal(oneValid ? 1 : 0, errors[0].GetProperty("index").GetInt32());
        Assert.Equal(6_000 - Emporium.Cli.Web.Ingest.IngestHandler.MaxListedErrors, json.GetProperty("errorsOmitted").GetInt32());
        Assert.Equal(3_000, log.Messages("dead_letters").Count);
    }

    /// <summary>A request's records are bounded as its bytes are: every rejected one becomes a dead letter of some
    /// 450 bytes in the log, so a 1 MB body of 350 000 empty objects appended 157 MB and held half a gigabyte while
    /// doing it (a 16 MB body, sixteen times that). More than <c>Ingest:MaxRecordsPerRequest</c> is a 413 that appends
    /// nothing.</summary>
    [Fact]
    public async Task A_body_of_more_records_than_a_request_may_hold_is_413_and_appends_nothing()
    {
        var log = new InMemoryEventLog();
        await using var host = await TestHost.StartAsync(log, RecordNormalizer.Instance,
            configure: o => o with { Ingest = o.Ingest with { MaxRecordsPerRequest = 100 } });

        var refused = await host.Client.PostAsync("/api/v1/ingest/categories",
            new StringContent(string.Concat(Enumerable.Repeat("{}\n", 101)), System.Text.Encoding.UTF8, "application/x-ndjson"));
        var accepted = await host.Client.PostAsync("/api/v1/ingest/categories",
            TestHost.Json("[" + string.Join(",", Enumerable.Range(1, 100).Select(i => $"{{\"id\":{i},\"category_name\":\"c{i}\"}}")) + "]"));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, refused.StatusCode);
        var problem = await JsonOf(refused);
        Assert.Equal("body", problem.GetProperty("errors")[0].GetProperty("field").GetString());
        Assert.Contains("101 records", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Contains("at most 100", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        Assert.Empty(log.Messages("dead_letters"));
        Assert.Equal(100, log.Messages("categories").Count);
    }

    /// <summary>A key no warehouse can index is refused at the door, naming the field, instead of being accepted and
    /// then refused by PostgreSQL alone (a dead letter there, a stored row on DuckDB).</summary>
    [Fact]
    public async Task A_key_over_the_key_limit_is_400_naming_the_field()
    {
        var log = new InMemoryEventLog();
        await using var host = await TestHost.StartAsync(log, RecordNormalizer.Instance);
        var product = JsonSerializer.Serialize(new { asin = new string('B', 6_000), title = "Lamp", price = 12.5 });

        var response = await host.Client.PostAsync("/api/v1/ingest/products", TestHost.Json(product));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = (await JsonOf(response)).GetProperty("errors")[0];
        Assert.Equal("asin", error.GetProperty("field").GetString());
        Assert.Equal("a key may have at most 1024 bytes of UTF-8, this one has 6000", error.GetProperty("error").GetString());
        Assert.Empty(log.Messages("products"));
    }

    [Fact]
    public async Task UnparseableJsonSaysWhere()
    {
        var log = new InMemoryEventLog();
        await using var host = await TestHost.StartAsync(log, new StrictTestNormalizer());
        var response = await host.Client.PostAsync("/api/v1/ingest/orders", TestHost.Json($"[{OrderJson("C1")},\n{{\"invoice_no\": }}]"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var detail = (await JsonOf(response)).GetProperty("detail").GetString()!;
        Assert.Contains("line 2", detail);
        Assert.Empty(log.Messages("orders"));
    }

    [Fact]
    public async Task InvalidUtf8Is400SayingSo()
    {
        var log = new InMemoryEventLog();
        await using var host = await TestHost.StartAsync(log, new StrictTestNormalizer());
        var bytes = Encoding.UTF8.GetBytes(OrderJson("D1").Replace("France", "Fr\u0001nce", StringComparison.Ordinal));
        bytes[Array.IndexOf(bytes, (byte)1)] = 0xFE;
        var response = await host.Client.PostAsync("/api/v1/ingest/orders", TestHost.Bytes(bytes, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("UTF-8", (await JsonOf(response)).GetProperty("detail").GetString());
        Assert.Empty(log.Messages("orders"));
    }

    [Fact]
    public async Task UnknownDatasetWrongContentTypeAndOversizedBodyAreRefused()
    {
        var log = new InMemoryEventLog();
        await using var host = await TestHost.StartAsync(log, new StrictTestNormalizer(),
            configure: o => o with { Ingest = o.Ingest with { MaxBodyBytes = 1024 } });
        var unknown = await host.Client.PostAsync("/api/v1/ingest/invoices", TestHost.Json(OrderJson("E1")));
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        var known = (await JsonOf(unknown)).GetProperty("known").EnumerateArray().Select(e => e.GetString()).ToList();
        Assert.Equal(DatasetCatalog.All.Select(d => d.Name), known);
        // Read with curl as it is: the quotes are not escaped to \u0027.
        Assert.Contains("\"'invoices' is not a dataset; known datasets: ", await unknown.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        var csv = await host.Client.PostAsync("/api/v1/ingest/orders", TestHost.Json("invoice_no\nE2", "text/csv"));
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, csv.StatusCode);
        Assert.Contains("application/x-ndjson", (await JsonOf(csv)).GetProperty("detail").GetString());

        var big = "[" + string.Join(',', Enumerable.Range(0, 50).Select(i => OrderJson($"E{i}"))) + "]";
        var tooLarge = await host.Client.PostAsync("/api/v1/ingest/orders", TestHost.Json(big));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, tooLarge.StatusCode);
        Assert.Contains("1024", (await JsonOf(tooLarge)).GetProperty("detail").GetString());

        // Without Content-Length (chunked) the limit is enforced while reading.
        var chunked = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes(big)));
        chunked.Headers.ContentType = new("application/json");
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/ingest/orders") { Content = chunked };
        request.Headers.TransferEncodingChunked = true;
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, (await host.Client.SendAsync(request)).StatusCode);
        Assert.Empty(log.Messages("orders"));
    }

    [Fact]
    public async Task IdempotencyKeyReplaysTheFirstResponseAndAppendsNothing()
    {
        var log = new InMemoryEventLog();
        await using var host = await TestHost.StartAsync(log, new StrictTestNormalizer());
        async Task<HttpResponseMessage> Send(string body)
        {
            var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/ingest/orders") { Content = TestHost.Json(body, "application/x-ndjson") };
            request.Headers.Add("Idempotency-Key", "batch-1");
            return await host.Client.SendAsync(request);
        }
        var body = OrderJson("F1") + "\n" + OrderJson("F2") + "\n{\"bad\":1}";
        var first = await Send(body);
        var second = await Send(body);
        Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, second.StatusCode);
        Assert.Equal(await first.Content.ReadAsStringAsync(), await second.Content.ReadAsStringAsync());
        Assert.True(second.Headers.Contains("Idempotent-Replayed"));
        Assert.Equal(2, log.Messages("orders").Count);
        Assert.Single(log.Messages(DatasetCatalog.DeadLetters.Name));
        Assert.Equal(2, log.Appends); // the first attempt's records and its dead letter; the retry appended nothing

        var reused = await Send(OrderJson("F3"));
        Assert.Equal((HttpStatusCode)422, reused.StatusCode);
        Assert.Equal(2, log.Messages("orders").Count);
    }

    /// <summary>The dataset in the path is matched in any case, so a retry that spells it otherwise is the same route:
    /// it was scoped by the path as written, and <c>/api/v1/ingest/Orders</c> appended again what
    /// <c>/api/v1/ingest/orders</c> had under the same key.</summary>
    [Fact]
    public async Task A_retry_that_spells_the_dataset_in_another_case_is_replayed()
    {
        var log = new InMemoryEventLog();
        await using var host = await TestHost.StartAsync(log, new StrictTestNormalizer());
        async Task<HttpResponseMessage> Send(string path)
        {
            var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = TestHost.Json(OrderJson("C1")) };
            request.Headers.Add("Idempotency-Key", "case-1");
            return await host.Client.SendAsync(request);
        }

        var first = await Send("/api/v1/ingest/orders");
        var second = await Send("/api/v1/ingest/ORDERS");

        Assert.Equal((HttpStatusCode.Accepted, HttpStatusCode.Accepted), (first.StatusCode, second.StatusCode));
        Assert.True(second.Headers.Contains("Idempotent-Replayed"));
        Assert.Single(log.Messages("orders"));
    }

    [Fact]
    public async Task IdempotencyKeysSurviveARestart()
    {
        using var dir = new TempDir("idem-restart");
        var log = new InMemoryEventLog();
        var request = () =>
        {
            var r = new HttpRequestMessage(HttpMethod.Post, "/api/v1/ingest/orders") { Content = TestHost.Json(OrderJson("G1")) };
            r.Headers.Add("Idempotency-Key", "g");
            return r;
        };
        await using (var host = await TestHost.StartAsync(log, new StrictTestNormalizer(), dataDir: dir.Path))
        {
            Assert.Equal(HttpStatusCode.Accepted, (await host.Client.SendAsync(request())).StatusCode);
        }
        await using (var host = await TestHost.StartAsync(log, new StrictTestNormalizer(), dataDir: dir.Path))
        {
            Assert.Equal(HttpStatusCode.Accepted, (await host.Client.SendAsync(request())).StatusCode);
        }
        Assert.Single(log.Messages("orders"));
    }

    [Fact]
    public async Task KeyedRecordsCarryTheirNaturalKey()
    {
        var log = new InMemoryEventLog();
        await using var host = await TestHost.StartAsync(log, new StrictTestNormalizer());
        var response = await host.Client.PostAsync("/api/v1/ingest/categories", TestHost.Json("{\"id\":7,\"category_name\":\"Luggage\"}"));
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal("7", Assert.Single(log.Messages("categories")).Key);
    }

    [Fact]
    public async Task WithoutLogOrNormalizerIngestIs503()
    {
        await using var host = await TestHost.StartAsync();
        var response = await host.Client.PostAsync("/api/v1/ingest/orders", TestHost.Json(OrderJson("H1")));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Contains("not provided", (await JsonOf(response)).GetProperty("detail").GetString());
    }

    [Fact]
    public async Task ProcessorLagAboveTheLimitIs429WithRetryAfter()
    {
        var log = new InMemoryEventLog { NothingProcessed = true };
        await using var host = await TestHost.StartAsync(log, new StrictTestNormalizer(),
            configure: o => o with { Ingest = o.Ingest with { MaxLag = 2, RetryAfterSeconds = 3 } });
        Assert.Equal(HttpStatusCode.Accepted, (await host.Client.PostAsync("/api/v1/ingest/orders", TestHost.Json($"[{OrderJson("L1")},{OrderJson("L2")},{OrderJson("L3")}]"))).StatusCode);
        await Task.Delay(300); // the lag monitor caches its reading for 200 ms
        var refused = await host.Client.PostAsync("/api/v1/ingest/orders", TestHost.Json(OrderJson("L4")));
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(3), refused.Headers.RetryAfter?.Delta);
        Assert.Equal(3, log.Messages("orders").Count);
    }

    [Fact]
    public async Task DiskFullIs503WithRetryAfterAndNotRemembered()
    {
        var log = new InMemoryEventLog { FailAppends = () => new IOException("No space left on device", 28) };
        await using var host = await TestHost.StartAsync(log, new StrictTestNormalizer());
        HttpRequestMessage Request()
        {
            var r = new HttpRequestMessage(HttpMethod.Post, "/api/v1/ingest/orders") { Content = TestHost.Json(OrderJson("M1")) };
            r.Headers.Add("Idempotency-Key", "m");
            return r;
        }
        var full = await host.Client.SendAsync(Request());
        Assert.Equal(HttpStatusCode.ServiceUnavailable, full.StatusCode);
        Assert.NotNull(full.Headers.RetryAfter);
        log.FailAppends = null;
        Assert.Equal(HttpStatusCode.Accepted, (await host.Client.SendAsync(Request())).StatusCode);
        Assert.Single(log.Messages("orders"));
    }

    [Fact]
    public async Task AnAppendTheLogDidNotAcknowledgeIs503WithRetryAfter()
    {
        var log = new InMemoryEventLog { FailAppends = () => new Emporium.Log.LogUnavailableException("Kafka did not acknowledge the append to 'orders': Local: Message timed out") };
        await using var host = await TestHost.StartAsync(log, new StrictTestNormalizer());

        var response = await host.Client.PostAsync("/api/v1/ingest/orders", TestHost.Json(OrderJson("K1")));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.NotNull(response.Headers.RetryAfter);
        Assert.Contains("nothing from this request was acknowledged", await response.Content.ReadAsStringAsync());
        Assert.Empty(log.Messages("orders"));
    }
}
