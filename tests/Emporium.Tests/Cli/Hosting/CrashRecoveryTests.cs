using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.Json;
using DuckDB.NET.Data;
using Emporium.Lake;
using Emporium.Lake.Local;
using Emporium.Tests.TestSupport;

namespace Emporium.Tests.Cli.Hosting;

/// <summary>The server runs as a child process and is SIGKILLed at random moments while clients post orders. Every
/// record that got a 202 must end up exactly once in the warehouse and exactly once in the lake's committed files.</summary>
[Collection(HeavyEndToEnd.Name)]
public class CrashRecoveryTests
{
    private const int Kills = 5;
    private const int Workers = 3;

    /// <summary>Records each cycle has acknowledged before its kill is timed. Timed from the first 202 alone, a loaded
    /// machine's slow requests left some cycles one or two answers in their window, and the run fell under the 50
    /// acknowledged records the test needs to prove anything, with the server right.</summary>
    private const int AcknowledgedBeforeKill = 15;

    [Fact]
    public async Task EveryAcknowledgedRecordSurvivesSigkillExactlyOnce()
    {
        using var dir = new TempDir("crash");
        var random = new Random(20261122);
        var acknowledged = new ConcurrentBag<string>();
        var sent = 0;
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(60) };

        for (var cycle = 0; cycle < Kills; cycle++)
        {
            var server = await ServerProcess.StartAsync(dir.Path, TimeSpan.FromSeconds(60));
            using var stop = new CancellationTokenSource();
            var ingesting = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var acknowledgedThisCycle = 0;
            var clients = Enumerable.Range(0, Workers).Select(w => Task.Run(async () =>
            {
                for (var seq = 0; !stop.IsCancellationRequested; seq++)
                {
                    var ids = Enumerable.Range(0, 1 + (seq % 5)).Select(i => $"c{cycle}-w{w}-s{seq}-{i}").ToList();
                    Interlocked.Add(ref sent, ids.Count);
                    var body = string.Join('\n', ids.Select(Order));
                    try
                    {
                        using var response = await http.PostAsync($"{server.Url}/api/v1/ingest/orders", new StringContent(body, Encoding.UTF8, "application/x-ndjson"));
                        if (response.StatusCode == HttpStatusCode.Accepted)
                        {
                            // A 202 body must account for every record, else the test's bookkeeping is wrong.
                            var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
                            Assert.Equal(ids.Count, json.GetProperty("accepted").GetInt32());
                            foreach (var id in ids)
                            {
                                acknowledged.Add(id);
                            }
                            if (Interlocked.Add(ref acknowledgedThisCycle, ids.Count) >= AcknowledgedBeforeKill)
                            {
                                ingesting.TrySetResult();
                            }
                        }
                    }
                    catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException)
                    {
                        return; // the server is gone; this request was not acknowledged
                    }
                }
            })).ToList();
            // The kill comes at a random moment once the server is really ingesting (a cold start under load can
            // take longer than the whole window otherwise).
            await ingesting.Task.WaitAsync(TimeSpan.FromSeconds(90));
            await Task.Delay(random.Next(200, 1200));
            await server.KillAsync();
            stop.Cancel();
            await Task.WhenAll(clients);
            await server.DisposeAsync();
        }

        Assert.True(acknowledged.Count > 50, $"only {acknowledged.Count} records were acknowledged; the crash test proves nothing");
        var final = await ServerProcess.StartAsync(dir.Path, TimeSpan.FromSeconds(60));
        Dictionary<string, long> inWarehouse;
        try
        {
            inWarehouse = await WaitForWarehouseAsync(http, final.Url, acknowledged.Count, TimeSpan.FromSeconds(90));
        }
        finally
        {
            Assert.Equal(0, await final.StopAsync(TimeSpan.FromSeconds(30)));
            await final.DisposeAsync();
        }

        var missing = acknowledged.Where(id => !inWarehouse.ContainsKey(id)).ToList();
        Assert.True(missing.Count == 0, $"{missing.Count} acknowledged records missing from the warehouse, e.g. {string.Join(", ", missing.Take(5))}");
        var duplicated = inWarehouse.Where(kv => kv.Value != 1).ToList();
        Assert.True(duplicated.Count == 0, $"duplicates in the warehouse: {string.Join(", ", duplicated.Take(5))}");

        var inLake = await LakeCountsAsync(Path.Combine(dir.Path, "lake"));
        Assert.True(acknowledged.All(inLake.ContainsKey), "acknowledged records missing from the lake");
        Assert.All(inLake, kv => Assert.Equal(1, kv.Value));
        // Every row the warehouse has, the lake has, and the other way round: the two sinks commit together.
        Assert.Equal(inWarehouse.Keys.Order(), inLake.Keys.Order());
        Assert.True(inWarehouse.Count <= sent);
    }

    /// <summary>A client that got its 202s retries every request with the same Idempotency-Key after the server was
    /// SIGKILLed right behind the last answer (the keys were durable in the log only, with no clean stop): each retry
    /// gets the first answer back, and no order line is appended twice.</summary>
    [Fact]
    public async Task RetriesWithTheSameIdempotencyKeyAfterSigkillReturnTheFirstAnswerAndAppendNothing()
    {
        using var dir = new TempDir("crash-idempotency");
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(60) };
        var requests = new List<(string Key, List<string> Ids, string Answer)>();
        for (var cycle = 0; cycle < 3; cycle++)
        {
            var server = await ServerProcess.StartAsync(dir.Path, TimeSpan.FromSeconds(60));
            try
            {
                for (var r = 0; r < 4; r++)
                {
                    var key = $"idem-{cycle}-{r}";
                    var ids = Enumerable.Range(0, 1 + r).Select(i => $"{key}-{i}").ToList();
                    var (status, answer) = await PostWithKeyAsync(http, server.Url, key, ids);
                    Assert.Equal(HttpStatusCode.Accepted, status);
                    requests.Add((key, ids, answer));
                }
            }
            finally
            {
                await server.KillAsync();
                await server.DisposeAsync();
            }
        }

        var final = await ServerProcess.StartAsync(dir.Path, TimeSpan.FromSeconds(60));
        Dictionary<string, long> inWarehouse;
        try
        {
            foreach (var (key, ids, answer) in requests)
            {
                var (status, again) = await PostWithKeyAsync(http, final.Url, key, ids);
                Assert.Equal(HttpStatusCode.Accepted, status);
                Assert.Equal(answer, again);
            }
            inWarehouse = await WaitForWarehouseAsync(http, final.Url, requests.Sum(r => r.Ids.Count), TimeSpan.FromSeconds(90));
        }
        finally
        {
            Assert.Equal(0, await final.StopAsync(TimeSpan.FromSeconds(30)));
            await final.DisposeAsync();
        }
        var expected = requests.SelectMany(r => r.Ids).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(expected, inWarehouse.Keys.Order(StringComparer.Ordinal).ToList());
        Assert.All(inWarehouse, kv => Assert.Equal(1, kv.Value));
    }

    private static async Task<(HttpStatusCode Status, string Body)> PostWithKeyAsync(HttpClient http, string url, string key, IEnumerable<string> ids)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"{url}/api/v1/ingest/orders")
        {
            Content = new StringContent(string.Join('\n', ids.Select(Order)), Encoding.UTF8, "application/x-ndjson"),
        };
        request.Headers.Add("Idempotency-Key", key);
        using var response = await http.SendAsync(request);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    private static async Task<Dictionary<string, long>> WaitForWarehouseAsync(HttpClient http, string url, int atLeast, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var datasets = JsonDocument.Parse(await http.GetStringAsync($"{url}/api/v1/datasets")).RootElement.GetProperty("datasets");
            var orders = datasets.EnumerateArray().Single(d => d.GetProperty("name").GetString() == "orders");
            var lag = orders.GetProperty("log").GetProperty("lag");
            var rows = orders.GetProperty("rows");
            if (lag.ValueKind == JsonValueKind.Number && lag.GetInt64() == 0 && rows.ValueKind == JsonValueKind.Number && rows.GetInt64() >= atLeast)
            {
                break;
            }
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"processor did not catch up: {orders}");
            }
            await Task.Delay(200);
        }
        using var response = await http.PostAsync($"{url}/api/v1/query",
            new StringContent("{\"sql\":\"SELECT invoice_no, count(*) AS n FROM orders GROUP BY invoice_no\",\"maxRows\":1000000}", Encoding.UTF8, "application/json"));
        response.EnsureSuccessStatusCode();
        var result = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        return result.GetProperty("rows").EnumerateArray().ToDictionary(r => r[0].GetString()!, r => r[1].GetInt64());
    }

    /// <summary>Counts per invoice over the lake's committed (manifest-listed) clean Parquet files, read with DuckDB.</summary>
    private static async Task<Dictionary<string, long>> LakeCountsAsync(string lakeRoot)
    {
        var files = await new LakeManifestStore(new LocalLakeStore(lakeRoot)).VisibleFilesAsync("orders", LakeLayout.Clean, CancellationToken.None);
        Assert.NotEmpty(files);
        Assert.Equal(files.Count, files.Distinct().Count());
        var list = string.Join(", ", files.Select(f => $"'{Path.Combine(lakeRoot, f).Replace("'", "''", StringComparison.Ordinal)}'"));
        using var duck = new DuckDBConnection("Data Source=:memory:");
        duck.Open();
        using var command = duck.CreateCommand();
        command.CommandText = $"SELECT invoice_no, count(*) FROM read_parquet([{list}], union_by_name = true) GROUP BY invoice_no";
        using var reader = command.ExecuteReader();
        var counts = new Dictionary<string, long>();
        while (reader.Read())
        {
            counts[reader.GetString(0)] = Convert.ToInt64(reader.GetValue(1), System.Globalization.CultureInfo.InvariantCulture);
        }
        return counts;
    }

    private static string Order(string id) =>
        $"{{\"InvoiceNo\":\"{id}\",\"StockCode\":\"85123A\",\"Description\":\"WHITE HANGING HEART\",\"Quantity\":2,\"InvoiceDate\":\"2010-12-01T08:26:00Z\",\"UnitPrice\":2.55,\"CustomerID\":17850,\"Country\":\"United Kingdom\"}}";
}
