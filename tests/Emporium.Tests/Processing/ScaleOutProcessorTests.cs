using Emporium.Datasets;
using Emporium.Ingest;
using Emporium.Lake;
using Emporium.Lake.S3;
using Emporium.Log;
using Emporium.Log.Embedded;
using Emporium.Log.Kafka;
using Emporium.Processing;
using Emporium.Tests.Datasets;
using Emporium.Tests.TestSupport;
using Emporium.Warehouse.Postgres;

namespace Emporium.Tests.Processing;

/// <summary>The stream processor unchanged on the scale-out backends: real UCI orders from the log (embedded, or Kafka
/// on librdkafka's mock cluster) land exactly once in PostgreSQL and as Parquet in S3 (moto_server), visible through
/// the manifests — also when two processors share the Kafka partitions and one leaves mid-stream.</summary>
[Collection(PostgresCollection.Name)]
public sealed class ScaleOutProcessorTests(PostgresServer postgres, MotoServer moto) : IClassFixture<MotoServer>
{
    private static readonly Lazy<List<CanonicalRecord>> Orders = new(() => SampleRows.Csv(SampleData.OnlineRetail)
        .Select(r => RecordNormalizer.Instance.Normalize(DatasetCatalog.Orders, r))
        .Where(r => r.IsValid).Select(r => r.Record!).ToList());

    [Fact]
    public async Task Real_orders_land_once_in_postgres_and_as_parquet_in_s3()
    {
        using var logDir = new TempDir("scaleout");
        await using var log = await EmbeddedEventLog.OpenAsync(new EmbeddedLogOptions { Directory = logDir.Combine("log"), DefaultPartitions = 2 });
        await log.EnsureTopicAsync("orders", 2, CancellationToken.None);
        await LandOnceAsync(log, compact: true);
    }

    [Fact]
    public async Task Real_orders_from_kafka_land_once_in_postgres_and_as_parquet_in_s3()
    {
        using var kafka = await KafkaMockCluster.StartAsync();
        kafka.CreateTopics(DatasetCatalog.Streamed.Select(d => d.Name), 2);
        await using var log = await KafkaEventLog.ConnectAsync(new KafkaLogOptions { BootstrapServers = kafka.BootstrapServers });
        await LandOnceAsync(log);
    }

    /// <summary>Two processors in one consumer group, each with its own Kafka client, warehouse connection and S3
    /// client (as two processes would have). One stops after its first commits; the other takes over its partitions
    /// from the positions in the warehouse. Every acknowledged order is in PostgreSQL and in the lake exactly once.
    /// Both own partitions before the orders arrive, and a hook slows each record by a millisecond, so the first is
    /// still busy when it leaves however fast a batch lands.</summary>
    [Fact]
    public async Task Two_processors_share_the_kafka_partitions_and_one_leaving_neither_loses_nor_duplicates()
    {
        // Both members also flush the lake often and merge its files while one leaves.
        await using var pair = await StartPairAsync("pair", maxBatchRecords: 150, compact: true);
        var (connection, bucket, options, log, first, second) = (pair.Connection, pair.Bucket, pair.Options, pair.Log, pair.First, pair.Second);
        var acknowledged = await AppendOrdersAsync(log);
        Assert.Equal(Orders.Value.Count, acknowledged.Count);

        await using var warehouse = new PostgresWarehouse(new PostgresWarehouseOptions { ConnectionString = connection });
        await WaitAsync(() => first.Processor.Stats.Rows > 0 && second.Processor.Stats.Rows > 0, "both processors committing");
        var rowsBeforeLeaving = await CountAsync(warehouse);
        Assert.True(rowsBeforeLeaving < Orders.Value.Count, "the first processor should leave mid-stream; make MaxBatchRecords smaller");
        await first.DisposeAsync();

        await WaitAsync(async () => await CountAsync(warehouse) >= Orders.Value.Count, "the remaining processor to finish");
        // Stopping writes what the lake has not got yet.
        await second.DisposeAsync();
        await AssertLandedOnceAsync(warehouse, Lake(bucket));
        Assert.True(first.Processor.Stats.LakeCompactions + second.Processor.Stats.LakeCompactions > 0, "no merge ran");
        var positions = await warehouse.GetOffsetsAsync(options.Group, CancellationToken.None);
        var ends = await log.GetEndOffsetsAsync("orders", CancellationToken.None);
        Assert.All(ends, end => Assert.Equal(end.Value, positions[end.Key]));
    }

    /// <summary>Requests sent with Idempotency-Keys and appended twice (their retries reached a second ingest
    /// process) land once, though a request's copies sit in partitions that two processors own: both claim the tags
    /// in PostgreSQL and agree which copy is first.</summary>
    [Fact]
    public async Task Retried_requests_whose_copies_two_processors_own_land_once()
    {
        await using var pair = await StartPairAsync("retried", maxBatchRecords: 200);
        var (connection, bucket, options, log, first, second) = (pair.Connection, pair.Bucket, pair.Options, pair.Log, pair.First, pair.Second);

        // Keyless appends rotate over the partitions per call; the retries go in reverse order, so no request's two
        // copies share a partition.
        var requests = Orders.Value.Chunk(500).Select((chunk, k) => (Chunk: chunk, Tag: IngestTag.For($"/api/v1/ingest/orders|export-{k}", new string('e', 64)))).ToList();
        var partitions = requests.Select(_ => new HashSet<int>()).ToList();
        foreach (var k in Enumerable.Range(0, requests.Count).Concat(Enumerable.Range(0, requests.Count).Reverse()))
        {
            var (chunk, tag) = requests[k];
            var at = await log.AppendAsync("orders", chunk.Select((o, i) => RetriedRecordsTests.Tagged(o, tag.Of(i))).ToList(), CancellationToken.None);
            partitions[k].Add(at[0].Partition.Partition);
        }
        Assert.All(partitions, p => Assert.Equal(2, p.Count));

        await using var warehouse = new PostgresWarehouse(new PostgresWarehouseOptions { ConnectionString = connection });
        var ends = await log.GetEndOffsetsAsync("orders", CancellationToken.None);
        await WaitAsync(async () =>
        {
            var committed = await warehouse.GetOffsetsAsync(options.Group, CancellationToken.None);
            return ends.All(e => committed.GetValueOrDefault(e.Key) == e.Value);
        }, "both processors to commit every partition");
        Assert.True(first.Processor.Stats.Rows > 0 && second.Processor.Stats.Rows > 0, "each processor should land a share");
        var retried = first.Processor.Stats.RetriedRecords + second.Processor.Stats.RetriedRecords;
        await first.DisposeAsync();
        await second.DisposeAsync();

        await AssertLandedOnceAsync(warehouse, Lake(bucket));
        Assert.Equal(Orders.Value.Count, retried);
    }

    /// <summary>Two processors (each with its own clients, as two processes) in one group over four Kafka partitions of
    /// orders, sharing a PostgreSQL database and an S3 bucket, both owning partitions already.</summary>
    private async Task<Pair> StartPairAsync(string name, int maxBatchRecords, bool compact = false)
    {
        var options = new StreamProcessorOptions { Datasets = [DatasetCatalog.Orders], Partitions = 4, MaxBatchRecords = maxBatchRecords, MaxWait = TimeSpan.FromMilliseconds(100) };
        if (compact)
        {
            options = options with
            {
                LakeFlushInterval = TimeSpan.Zero,
                Compaction = new LakeCompactionOptions { Fanout = 2, Interval = TimeSpan.FromMilliseconds(100) },
            };
        }
        var kafka = await KafkaMockCluster.StartAsync();
        kafka.CreateTopic("orders", 4);
        var pair = new Pair
        {
            Kafka = kafka,
            Connection = await postgres.CreateDatabaseAsync(name),
            Bucket = await moto.CreateBucketAsync(name),
            Options = options,
            Log = await KafkaEventLog.ConnectAsync(new KafkaLogOptions { BootstrapServers = kafka.BootstrapServers }),
        };
        pair.First = await Member.StartAsync(kafka, pair.Connection, Lake(pair.Bucket), pair.Options);
        pair.Second = await Member.StartAsync(kafka, pair.Connection, Lake(pair.Bucket), pair.Options);
        await WaitAsync(() => pair.First.Processor.Assignment.Count > 0 && pair.Second.Processor.Assignment.Count > 0, "both processors owning partitions");
        return pair;
    }

    private sealed class Pair : IAsyncDisposable
    {
        public required KafkaMockCluster Kafka { get; init; }

        public required string Connection { get; init; }

        public required string Bucket { get; init; }

        public required StreamProcessorOptions Options { get; init; }

        public required KafkaEventLog Log { get; init; }

        public Member First { get; set; } = null!;

        public Member Second { get; set; } = null!;

        public async ValueTask DisposeAsync()
        {
            // Members first (a member that already left does nothing), then the clients and the cluster they use.
            await (First?.DisposeAsync() ?? ValueTask.CompletedTask);
            await (Second?.DisposeAsync() ?? ValueTask.CompletedTask);
            await Log.DisposeAsync();
            Kafka.Dispose();
        }
    }

    /// <param name="compact">Land in small batches, each written to the lake, then merge them (compaction on S3).</param>
    private async Task LandOnceAsync(IEventLog log, bool compact = false)
    {
        await AppendOrdersAsync(log);
        await using var warehouse = new PostgresWarehouse(new PostgresWarehouseOptions { ConnectionString = await postgres.CreateDatabaseAsync("e2e") });
        using var lake = Lake(await moto.CreateBucketAsync("e2e"));
        var options = compact
            ? new StreamProcessorOptions
            {
                Partitions = 2, MaxBatchRecords = 400, MaxCatchUpBatchRecords = 400, LakeFlushInterval = TimeSpan.Zero,
                Compaction = new LakeCompactionOptions { Fanout = 3, Interval = TimeSpan.FromHours(1) },
            }
            : new StreamProcessorOptions { Partitions = 2 };
        await using (var processor = new StreamProcessor(log, warehouse, lake, options))
        {
            await processor.InitializeAsync(CancellationToken.None);
            // A Kafka member first joins its group, so empty fetches are expected until it owns the partitions.
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
            while (await CountAsync(warehouse) < Orders.Value.Count)
            {
                Assert.True(DateTime.UtcNow < deadline, "the processor did not land the orders within 60 s");
                await processor.RunOnceAsync(CancellationToken.None);
            }
            Assert.Equal(0, await processor.RunOnceAsync(CancellationToken.None));
            await processor.FlushLakeAsync(CancellationToken.None);
            if (compact)
            {
                var manifests = (await new LakeManifestStore(lake).VisibleFilesAsync("orders", LakeLayout.Raw, CancellationToken.None)).Count;
                Assert.True((await processor.CompactLakeAsync(CancellationToken.None)).Merges > 0);
                var after = (await new LakeManifestStore(lake).VisibleFilesAsync("orders", LakeLayout.Raw, CancellationToken.None)).Count;
                Assert.True(after < manifests, $"{manifests} raw files became {after}");
            }
        }
        await AssertLandedOnceAsync(warehouse, lake);
    }

    private static async Task<List<LogPosition>> AppendOrdersAsync(IEventLog log) =>
        [.. await log.AppendAsync("orders", Orders.Value.Select(o => new LogMessage((string)o["invoice_no"]!, CanonicalJson.Serialize(o))).ToList(), CancellationToken.None)];

    private S3LakeStore Lake(string bucket) => new(new S3LakeStoreOptions
    {
        Bucket = bucket, Prefix = "lake", ServiceUrl = moto.Endpoint,
        Region = MotoServer.Region, AccessKey = MotoServer.AccessKey, SecretKey = MotoServer.SecretKey,
    });

    private static async Task<long> CountAsync(PostgresWarehouse warehouse)
    {
        try
        {
            return (long)(await warehouse.QueryAsync("SELECT count(*) FROM orders", CancellationToken.None)).Rows[0][0]!;
        }
        catch (Npgsql.PostgresException)
        {
            return 0; // the table is created by the first processor's initialization
        }
    }

    private static async Task AssertLandedOnceAsync(PostgresWarehouse warehouse, S3LakeStore lake)
    {
        var orders = Orders.Value;
        var row = (await warehouse.QueryAsync("SELECT count(*), sum(quantity) FROM orders", CancellationToken.None)).Rows[0];
        Assert.Equal((long)orders.Count, row[0]);
        Assert.Equal((decimal)orders.Sum(o => (long)o["quantity"]!), row[1]);

        var files = await new LakeManifestStore(lake).VisibleFilesAsync("orders", LakeLayout.Clean, CancellationToken.None);
        Assert.NotEmpty(files);
        var inLake = Assert.Single(await LakeParquet.QueryAsync(lake, files, "count(*), CAST(sum(quantity) AS BIGINT)"));
        Assert.Equal((long)orders.Count, Convert.ToInt64(inLake[0]));
        Assert.Equal(orders.Sum(o => (long)o["quantity"]!), Convert.ToInt64(inLake[1]));
    }

    private static async Task WaitAsync(Func<Task<bool>> condition, string what)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(120);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"timed out waiting for {what}");
            await Task.Delay(50);
        }
    }

    private static Task WaitAsync(Func<bool> condition, string what) => WaitAsync(() => Task.FromResult(condition()), what);

    /// <summary>One processor with its own clients, as a separate process would have.</summary>
    private sealed class Member : IAsyncDisposable
    {
        private KafkaEventLog? _log;
        private PostgresWarehouse? _warehouse;
        private S3LakeStore? _lake;

        public required StreamProcessor Processor { get; init; }

        public static async Task<Member> StartAsync(KafkaMockCluster kafka, string connection, S3LakeStore lake, StreamProcessorOptions options)
        {
            var log = await KafkaEventLog.ConnectAsync(new KafkaLogOptions { BootstrapServers = kafka.BootstrapServers });
            var warehouse = new PostgresWarehouse(new PostgresWarehouseOptions { ConnectionString = connection });
            var member = new Member { Processor = new StreamProcessor(log, warehouse, lake, options), _log = log, _warehouse = warehouse, _lake = lake };
            member.Processor.Hooks.Add("orders", record =>
            {
                Thread.Sleep(1);
                return record;
            });
            await member.Processor.StartAsync(CancellationToken.None);
            return member;
        }

        public async ValueTask DisposeAsync()
        {
            if (_log is null)
            {
                return;
            }
            await Processor.DisposeAsync();
            await _log.DisposeAsync();
            await _warehouse!.DisposeAsync();
            _lake!.Dispose();
            _log = null;
        }
    }
}
