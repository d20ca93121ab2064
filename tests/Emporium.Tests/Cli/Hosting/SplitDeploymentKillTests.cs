using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Emporium.Datasets;
using Emporium.Lake;
using Emporium.Lake.S3;
using Emporium.Processing;
using Emporium.Tests.Datasets;
using Emporium.Tests.TestSupport;
using Npgsql;

namespace Emporium.Tests.Cli.Hosting;

/// <summary>A split deployment as separate processes against one Kafka (librdkafka mock cluster), one S3 (moto) and
/// one real PostgreSQL 15: <c>--role ingest</c>, two <c>--role processor</c> and a <c>--role scheduler</c>. Real UCI
/// orders and McAuley reviews go in through many requests; one processor is SIGKILLed mid-stream and the other takes
/// over its partitions. Every acknowledged record must be in the warehouse exactly once, and the lake's published
/// manifests and Parquet files must agree with it.</summary>
[Collection(HeavyEndToEnd.Name)]
public sealed partial class SplitDeploymentKillTests
{
    private const int Partitions = 4;
    private const int OrdersPerRequest = 50;
    private const int ReviewsPerRequest = 25;
    private const int Reviews = 1000;
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(120);

    [Fact]
    public async Task KillingOneOfTwoProcessorsMidStreamLosesAndDuplicatesNothing()
    {
        using var kafka = await KafkaMockCluster.StartAsync();
        kafka.CreateTopics(DatasetCatalog.Streamed.Select(d => d.Name), Partitions);
        var postgres = new PostgresServer();
        var moto = new MotoServer();
        await postgres.StartAsync();
        await moto.InitializeAsync();
        try
        {
            await RunAsync(kafka, postgres, moto);
        }
        finally
        {
            await moto.DisposeAsync();
            await postgres.DisposeAsync();
        }
    }

    private static async Task RunAsync(KafkaMockCluster kafka, PostgresServer postgres, MotoServer moto)
    {
        var database = await postgres.CreateDatabaseAsync("split");
        var bucket = await moto.CreateBucketAsync("split");
        var (log, lake, warehouse) = (kafka.Address, moto.AddressFor(bucket), postgres.AddressFor(database));
        using var dirs = new TempDir("split");
        var processes = new List<ServerProcess>();
        try
        {
            // Each process its own data dir; the backends reach each one by a different configuration source.
            var environment = new Dictionary<string, string> { ["EMPORIUM__LOG"] = log, ["EMPORIUM__LAKE"] = lake, ["EMPORIUM__WAREHOUSE"] = warehouse };
            var processorA = await StartAsync(processes, dirs.Combine("processor-a"), environment, "--role", "processor");
            var processorB = await StartAsync(processes, dirs.Combine("processor-b"), environment, "--role", "processor");
            var scheduler = await StartAsync(processes, dirs.Combine("scheduler"), new Dictionary<string, string>(),
                "--role", "scheduler", "--log", log, "--lake", lake, "--warehouse", warehouse);
            Directory.CreateDirectory(dirs.Combine("ingest"));
            await File.WriteAllTextAsync(dirs.Combine("ingest", "emporium.json"), JsonSerializer.Serialize(new { Log = log, Lake = lake, Warehouse = warehouse, Role = "ingest" }));
            var ingest = await StartAsync(processes, dirs.Combine("ingest"), new Dictionary<string, string>());
            using var http = new HttpClient { Timeout = TimeSpan.FromMinutes(2) };

            // The group has split the partitions between the two processors before anything is sent.
            var (ownedByA, ownedByB) = await WaitForSplitAsync(http, processorA, processorB);
            Assert.Empty(ownedByA.Intersect(ownedByB));

            var orderRows = SampleRows.Csv(SampleData.OnlineRetail);
            var reviewLines = File.ReadLines(SampleData.McAuleyReviews).Where(l => !string.IsNullOrWhiteSpace(l)).Take(Reviews).ToList();
            var shuffle = new Random(20261122);
            var requests = orderRows.Chunk(OrdersPerRequest).Select(c => new Request("orders", c.Select(r => JsonSerializer.Serialize(r)).ToList(), c))
                .Concat(reviewLines.Chunk(ReviewsPerRequest).Select(c => new Request("reviews", c.ToList(), null)))
                .OrderBy(_ => shuffle.Next()) // the two datasets interleaved
                .ToList();
            var acknowledged = new List<Request>();
            var killAt = requests.Count * 2 / 5;
            long batchesOfBAtKill = 0;
            for (var i = 0; i < requests.Count; i++)
            {
                if (i == killAt)
                {
                    // Mid-stream, once A has really committed work of its own.
                    await WaitForAsync(async () => await MetricAsync(http, processorA, "emporium_processor_batches_total") > 0, "processor A to commit a batch", processorA);
                    batchesOfBAtKill = (long)await MetricAsync(http, processorB, "emporium_processor_batches_total");
                    await processorA.KillAsync();
                }
                var request = requests[i];
                using var response = await http.PostAsync($"{ingest.Url}/api/v1/ingest/{request.Dataset}",
                    new StringContent(string.Join('\n', request.Lines), Encoding.UTF8, "application/x-ndjson"));
                var body = await response.Content.ReadAsStringAsync();
                // The ingest process is never killed, so every request must be acknowledged: then "acknowledged" is
                // exactly what was sent, and no unacknowledged record can muddy the exactly-once count.
                Assert.True(response.StatusCode == HttpStatusCode.Accepted, $"request {i} ({request.Dataset}) answered {(int)response.StatusCode}: {body}");
                var json = JsonDocument.Parse(body).RootElement;
                request.Rejected = json.GetProperty("errors").EnumerateArray().Select(e => e.GetProperty("index").GetInt32()).ToHashSet();
                Assert.Equal(request.Lines.Count - request.Rejected.Count, json.GetProperty("accepted").GetInt32());
                acknowledged.Add(request);
            }

            // Independent expectations from the sample files: order lines as a multiset, reviews by content key.
            var expectedOrders = acknowledged.Where(r => r.Dataset == "orders")
                .SelectMany(r => r.Rows!.Where((_, i) => !r.Rejected.Contains(i)))
                .GroupBy(r => OrderKey(r["InvoiceNo"]!, r["StockCode"]!, long.Parse(r["Quantity"]!, CultureInfo.InvariantCulture)))
                .ToDictionary(g => g.Key, g => (long)g.Count());
            // A review is who + what + when + its words (the documented identity of id-less reviews): a line sent
            // twice is one review, two different reviews of one product on one day are two.
            var expectedReviews = acknowledged.Where(r => r.Dataset == "reviews")
                .SelectMany(r => r.Lines.Where((_, i) => !r.Rejected.Contains(i)))
                .Select(l => JsonDocument.Parse(l).RootElement)
                .DistinctBy(j => (Text(j, "reviewerID"), Text(j, "asin"), j.GetProperty("unixReviewTime").GetInt64(), Text(j, "summary"), Text(j, "reviewText")))
                .Select(j => ReviewKey(Text(j, "reviewerID")!, Text(j, "asin")!, j.GetProperty("unixReviewTime").GetInt64()))
                .ToList();
            Assert.True(expectedOrders.Values.Sum() > 7000, $"only {expectedOrders.Values.Sum()} orders acknowledged");

            await using var pg = new NpgsqlConnection(database);
            await pg.OpenAsync();
            await WaitForAsync(async () => await ScalarAsync(pg, "SELECT count(*) FROM orders") >= expectedOrders.Values.Sum()
                                           && await ScalarAsync(pg, "SELECT count(*) FROM reviews") >= expectedReviews.Count,
                "the surviving processor to catch up", processorB, TimeSpan.FromMinutes(4));

            // The survivor took over the killed processor's partitions and committed after the kill.
            Assert.Equal(ownedByA.Union(ownedByB).Order(StringComparer.Ordinal), (await AssignedAsync(http, processorB)).Order(StringComparer.Ordinal));
            Assert.True(await MetricAsync(http, processorB, "emporium_processor_batches_total") > batchesOfBAtKill, "processor B committed nothing after the kill");

            // Warehouse: every acknowledged order line exactly as often as it was sent; every review once.
            var inWarehouse = new Dictionary<string, long>();
            await using (var command = new NpgsqlCommand("SELECT invoice_no, stock_code, quantity, count(*) FROM orders GROUP BY 1, 2, 3", pg))
            await using (var reader = await command.ExecuteReaderAsync())
            {
                while (await reader.ReadAsync())
                {
                    inWarehouse[OrderKey(reader.GetString(0), reader.GetString(1), reader.GetInt64(2))] = reader.GetInt64(3);
                }
            }
            Assert.Equal(expectedOrders.OrderBy(kv => kv.Key, StringComparer.Ordinal), inWarehouse.OrderBy(kv => kv.Key, StringComparer.Ordinal));
            var reviewsInWarehouse = new List<string>();
            await using (var command = new NpgsqlCommand("SELECT reviewer_id, asin, CAST(extract(epoch FROM reviewed_at) AS bigint) FROM reviews", pg))
            await using (var reader = await command.ExecuteReaderAsync())
            {
                while (await reader.ReadAsync())
                {
                    reviewsInWarehouse.Add(ReviewKey(reader.GetString(0), reader.GetString(1), reader.GetInt64(2)));
                }
            }
            Assert.Equal(expectedReviews.Order(StringComparer.Ordinal), reviewsInWarehouse.Order(StringComparer.Ordinal));

            // The lake is written every second for what the warehouse committed meanwhile, and the survivor rewrites
            // from the log what the killed processor had committed to the warehouse but not yet to the lake.
            var lakeDeadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
            while (true)
            {
                try
                {
                    await AssertLakeAgreesAsync(moto, bucket, pg, inWarehouse);
                    break;
                }
                catch (Xunit.Sdk.XunitException) when (DateTime.UtcNow < lakeDeadline)
                {
                    await Task.Delay(500);
                }
            }
            await AssertSchedulerOnlyScheduledAsync(http, scheduler);
        }
        finally
        {
            foreach (var process in processes)
            {
                await process.DisposeAsync();
            }
        }
    }

    /// <summary>The published manifests of orders name each log offset the warehouse committed exactly once (their ranges
    /// follow each other from 0 to the warehouse's last offset in every partition), and the clean Parquet they list
    /// holds the warehouse's order lines, no more, no fewer.</summary>
    private static async Task AssertLakeAgreesAsync(MotoServer moto, string bucket, NpgsqlConnection pg, Dictionary<string, long> inWarehouse)
    {
        using var lake = new S3LakeStore(new S3LakeStoreOptions
        {
            Bucket = bucket, Prefix = "lake", ServiceUrl = moto.Endpoint, Region = MotoServer.Region, AccessKey = MotoServer.AccessKey, SecretKey = MotoServer.SecretKey,
        });
        var manifests = new List<LakeManifest>();
        await foreach (var manifest in new LakeManifestStore(lake).ListPublishedAsync("orders", CancellationToken.None))
        {
            manifests.Add(manifest);
        }
        Assert.NotEmpty(manifests);
        var ranges = manifests.Select(m => Assert.IsType<LogSource>(LogSource.TryParse(m.Source, out var s) ? s : null)).ToList();
        var committed = new List<LogSource>();
        await using (var command = new NpgsqlCommand("SELECT DISTINCT _source FROM orders", pg))
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                committed.Add(Assert.IsType<LogSource>(LogSource.TryParse(reader.GetString(0), out var s) ? s : null));
            }
        }
        var ends = committed.GroupBy(r => r.Partition).ToDictionary(g => g.Key, g => g.Max(r => r.Last));
        Assert.Equal(ends.Keys.Select(tp => tp.Partition).Order(), ranges.Select(r => r.Partition.Partition).Distinct().Order());
        foreach (var partition in ranges.GroupBy(r => r.Partition))
        {
            var ordered = partition.OrderBy(r => r.First).ToList();
            Assert.Equal(0, ordered[0].First);
            for (var i = 1; i < ordered.Count; i++)
            {
                Assert.True(ordered[i].First == ordered[i - 1].Last + 1, $"manifests overlap or leave a gap: {ordered[i - 1]} and {ordered[i]}");
            }
            Assert.Equal(ends[partition.Key], ordered[^1].Last);
        }

        var cleanFiles = manifests.SelectMany(m => m.Files).Where(f => f.Zone == LakeLayout.Clean).Select(f => f.Path);
        var inLake = (await LakeParquet.QueryAsync(lake, cleanFiles, "invoice_no, stock_code, CAST(quantity AS BIGINT), count(*)", "GROUP BY 1, 2, 3"))
            .ToDictionary(r => OrderKey((string)r[0]!, (string)r[1]!, (long)r[2]!), r => Convert.ToInt64(r[3], CultureInfo.InvariantCulture));
        Assert.Equal(inWarehouse.OrderBy(kv => kv.Key, StringComparer.Ordinal), inLake.OrderBy(kv => kv.Key, StringComparer.Ordinal));
    }

    /// <summary>The scheduler ran alongside: it serves the DAG API and health, hosts no processor and no ingest.</summary>
    private static async Task AssertSchedulerOnlyScheduledAsync(HttpClient http, ServerProcess scheduler)
    {
        var health = JsonDocument.Parse(await http.GetStringAsync($"{scheduler.Url}/health")).RootElement;
        Assert.Equal("scheduler", health.GetProperty("role").GetString());
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync($"{scheduler.Url}/api/v1/dags")).StatusCode);
        Assert.DoesNotContain("emporium_processor_", await http.GetStringAsync($"{scheduler.Url}/metrics"), StringComparison.Ordinal);
        using var post = await http.PostAsync($"{scheduler.Url}/api/v1/ingest/orders", new StringContent("{}", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.NotFound, post.StatusCode);
    }

    private static async Task<ServerProcess> StartAsync(List<ServerProcess> processes, string dataDir, IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        var process = await ServerProcess.StartAsync(dataDir, StartTimeout, environment, args);
        processes.Add(process);
        return process;
    }

    private static async Task<(List<string> A, List<string> B)> WaitForSplitAsync(HttpClient http, ServerProcess a, ServerProcess b)
    {
        List<string> ownedByA = [], ownedByB = [];
        await WaitForAsync(async () =>
        {
            ownedByA = await AssignedAsync(http, a);
            ownedByB = await AssignedAsync(http, b);
            return ownedByA.Count > 0 && ownedByB.Count > 0 && ownedByA.Union(ownedByB).Count() == DatasetCatalog.Streamed.Count * Partitions;
        }, "the two processors to share the partitions", b);
        return (ownedByA, ownedByB);
    }

    /// <summary>"topic/partition" of each partition a processor reports owning in its /metrics.</summary>
    private static async Task<List<string>> AssignedAsync(HttpClient http, ServerProcess process) =>
        AssignedLine().Matches(await http.GetStringAsync($"{process.Url}/metrics"))
            .Select(m => $"{m.Groups["topic"].Value}/{m.Groups["partition"].Value}").ToList();

    private static async Task<double> MetricAsync(HttpClient http, ServerProcess process, string name)
    {
        var text = await http.GetStringAsync($"{process.Url}/metrics");
        var line = text.Split('\n').Single(l => l.StartsWith(name + " ", StringComparison.Ordinal));
        return double.Parse(line[(name.Length + 1)..], CultureInfo.InvariantCulture);
    }

    private static async Task WaitForAsync(Func<Task<bool>> condition, string what, ServerProcess witness, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(90));
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"timed out waiting for {what}; its output:\n{witness.Output}");
            }
            await Task.Delay(250);
        }
    }

    private static async Task<long> ScalarAsync(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        return Convert.ToInt64(await command.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
    }

    private static string OrderKey(string invoice, string stockCode, long quantity) =>
        string.Create(CultureInfo.InvariantCulture, $"{invoice.Trim()}|{stockCode.Trim()}|{quantity}");

    private static string? Text(JsonElement json, string name) => json.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static string ReviewKey(string reviewer, string asin, long unixTime) =>
        string.Create(CultureInfo.InvariantCulture, $"{reviewer}|{asin}|{unixTime}");

    [GeneratedRegex("""^emporium_processor_assigned_partition\{topic="(?<topic>[^"]+)",partition="(?<partition>\d+)"\} 1""", RegexOptions.Multiline)]
    private static partial Regex AssignedLine();

    private sealed record Request(string Dataset, List<string> Lines, Dictionary<string, string?>[]? Rows)
    {
        public HashSet<int> Rejected { get; set; } = [];
    }
}
