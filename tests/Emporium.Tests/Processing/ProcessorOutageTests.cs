using Emporium.Datasets;
using Emporium.Lake;
using Emporium.Lake.S3;
using Emporium.Log.Embedded;
using Emporium.Processing;
using Emporium.Tests.Datasets;
using Emporium.Tests.TestSupport;
using Emporium.Warehouse.Postgres;
using Npgsql;

namespace Emporium.Tests.Processing;

/// <summary>The running stream processor while its backends fail under it: PostgreSQL and S3 (moto) cut off behind a
/// proxy and brought back, and PostgreSQL ending the processor's sessions mid-commit (<c>pg_terminate_backend</c>). It
/// recovers by itself, and once the backends are back every acknowledged order is in the warehouse and in the lake
/// exactly once.</summary>
[Collection(PostgresCollection.Name)]
public sealed class ProcessorOutageTests(PostgresServer postgres, MotoServer moto) : IClassFixture<MotoServer>
{
    private static readonly Lazy<List<CanonicalRecord>> Orders = new(() => SampleRows.Csv(SampleData.OnlineRetail)
        .Select(r => RecordNormalizer.Instance.Normalize(DatasetCatalog.Orders, r))
        .Where(r => r.IsValid).Select(r => r.Record!).ToList());

    [Fact]
    public async Task Outages_of_postgres_and_s3_and_terminated_sessions_mid_stream_lose_and_duplicate_nothing()
    {
        using var dir = new TempDir("processor-outage");
        var database = await postgres.CreateDatabaseAsync("outage");
        await using var pgProxy = new OutageProxy(postgres.Host, postgres.Port);
        await using var s3Proxy = new OutageProxy("127.0.0.1", moto.Port);
        var bucket = await moto.CreateBucketAsync("outage");
        await using var log = await EmbeddedEventLog.OpenAsync(new EmbeddedLogOptions { Directory = dir.Combine("log"), DefaultPartitions = 2 });
        await log.EnsureTopicAsync("orders", 2, CancellationToken.None);
        await using var warehouse = new PostgresWarehouse(new PostgresWarehouseOptions
        {
            ConnectionString = new NpgsqlConnectionStringBuilder(database) { Port = pgProxy.Port, Timeout = 5, ApplicationName = "emporium processor" }.ConnectionString,
        });
        using var lake = new S3LakeStore(new S3LakeStoreOptions
        {
            Bucket = bucket, Prefix = "lake", ServiceUrl = $"http://127.0.0.1:{s3Proxy.Port}",
            Region = MotoServer.Region, AccessKey = MotoServer.AccessKey, SecretKey = MotoServer.SecretKey,
        });
        var options = new StreamProcessorOptions
        {
            Datasets = [DatasetCatalog.Orders], Partitions = 2, MaxBatchRecords = 200, MaxCatchUpBatchRecords = 200,
            LakeFlushInterval = TimeSpan.FromMilliseconds(300), RetryDelay = TimeSpan.FromMilliseconds(100), MaxRetryDelay = TimeSpan.FromMilliseconds(500),
            TempDirectory = dir.Combine("tmp"),
        };
        await using var processor = new StreamProcessor(log, warehouse, lake, options);
        processor.Hooks.Add("orders", record =>
        {
            Thread.Sleep(1); // batches take long enough for the failures below to land inside them
            return record;
        });
        await processor.StartAsync(CancellationToken.None);
        await using var verify = new PostgresWarehouse(new PostgresWarehouseOptions { ConnectionString = database });

        var chunks = Orders.Value.Chunk(Orders.Value.Count / 6 + 1).ToList();
        for (var k = 0; k < chunks.Count; k++)
        {
            await log.AppendAsync("orders", chunks[k].Select(o => new Emporium.Log.LogMessage((string)o["invoice_no"]!, CanonicalJson.Serialize(o))).ToList(), CancellationToken.None);
            await Task.Delay(300);
            switch (k % 3)
            {
                case 0:
                    pgProxy.Cut();
                    await Task.Delay(1500);
                    pgProxy.Restore();
                    break;
                case 1:
                    s3Proxy.Cut();
                    await Task.Delay(1500);
                    s3Proxy.Restore();
                    break;
                default:
                    await TerminateSessionsAsync(database, TimeSpan.FromSeconds(2));
                    break;
            }
        }

        var ends = await log.GetEndOffsetsAsync("orders", CancellationToken.None);
        await WaitAsync(async () =>
        {
            var committed = await verify.GetOffsetsAsync(options.LakeGroup, CancellationToken.None);
            return ends.All(e => committed.GetValueOrDefault(e.Key) == e.Value);
        }, "the processor to land everything in the warehouse and the lake");
        await processor.StopAsync(CancellationToken.None);
        Assert.True(processor.Stats.Failures > 0, "no failure reached the processor: the test cut nothing");

        var orders = Orders.Value;
        var row = (await verify.QueryAsync("SELECT count(*), sum(quantity) FROM orders", CancellationToken.None)).Rows[0];
        Assert.Equal((long)orders.Count, row[0]);
        Assert.Equal((decimal)orders.Sum(o => (long)o["quantity"]!), row[1]);
        var files = await new LakeManifestStore(lake).VisibleFilesAsync("orders", LakeLayout.Clean, CancellationToken.None);
        var inLake = Assert.Single(await LakeParquet.QueryAsync(lake, files, "count(*), CAST(sum(quantity) AS BIGINT), count(DISTINCT _offset::VARCHAR || _source)"));
        Assert.Equal((long)orders.Count, Convert.ToInt64(inLake[0]));
        Assert.Equal(orders.Sum(o => (long)o["quantity"]!), Convert.ToInt64(inLake[1]));
        Assert.Equal((long)orders.Count, Convert.ToInt64(inLake[2]));
    }

    /// <summary>Ends every session the processor has open in its database, again and again for a while, so some end in
    /// the middle of a commit.</summary>
    private async Task TerminateSessionsAsync(string database, TimeSpan during)
    {
        var name = new NpgsqlConnectionStringBuilder(database).Database;
        await using var admin = new NpgsqlConnection(postgres.AdminConnectionString);
        await admin.OpenAsync();
        var until = DateTime.UtcNow + during;
        while (DateTime.UtcNow < until)
        {
            await using var kill = new NpgsqlCommand("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = $1 AND application_name = 'emporium processor'", admin);
            kill.Parameters.Add(new NpgsqlParameter { Value = name });
            await kill.ExecuteScalarAsync();
            await Task.Delay(37);
        }
    }

    private static async Task WaitAsync(Func<Task<bool>> condition, string what)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(120);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"timed out waiting for {what}");
            await Task.Delay(100);
        }
    }
}
