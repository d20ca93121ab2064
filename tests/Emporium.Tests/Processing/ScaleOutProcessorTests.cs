using Emporium.Datasets;
using Emporium.Lake;
using Emporium.Lake.S3;
using Emporium.Log;
using Emporium.Log.Embedded;
using Emporium.Processing;
using Emporium.Tests.Datasets;
using Emporium.Tests.TestSupport;
using Emporium.Warehouse.Postgres;

namespace Emporium.Tests.Processing;

/// <summary>The stream processor unchanged on the scale-out backends: real UCI orders from the log land exactly
/// once in PostgreSQL and as Parquet in S3 (moto_server), visible through the manifests.</summary>
[Collection(PostgresCollection.Name)]
public sealed class ScaleOutProcessorTests(PostgresServer postgres, MotoServer moto) : IClassFixture<MotoServer>
{
    private readonly MotoServer _moto = moto;

    [Fact]
    public async Task Real_orders_land_once_in_postgres_and_as_parquet_in_s3()
    {
        var orders = SampleRows.Csv(SampleData.OnlineRetail)
            .Select(r => RecordNormalizer.Instance.Normalize(DatasetCatalog.Orders, r))
            .Where(r => r.IsValid).Select(r => r.Record!).ToList();
        using var logDir = new TempDir("scaleout");
        await using var log = await EmbeddedEventLog.OpenAsync(new EmbeddedLogOptions { Directory = logDir.Combine("log"), DefaultPartitions = 2 });
        await log.EnsureTopicAsync("orders", 2, CancellationToken.None);
        await log.AppendAsync("orders", orders.Select(o => new LogMessage((string)o["invoice_no"]!, CanonicalJson.Serialize(o))).ToList(), CancellationToken.None);

        await using var warehouse = new PostgresWarehouse(new PostgresWarehouseOptions { ConnectionString = await postgres.CreateDatabaseAsync("e2e") });
        using var lake = new S3LakeStore(new S3LakeStoreOptions
        {
            Bucket = await _moto.CreateBucketAsync("e2e"), Prefix = "lake", ServiceUrl = _moto.Endpoint,
            Region = MotoServer.Region, AccessKey = MotoServer.AccessKey, SecretKey = MotoServer.SecretKey,
        });
        await using (var processor = new StreamProcessor(log, warehouse, lake, new StreamProcessorOptions { Partitions = 2 }))
        {
            await processor.InitializeAsync(CancellationToken.None);
            var idle = 0;
            while (idle < 2)
            {
                idle = await processor.RunOnceAsync(CancellationToken.None) == 0 ? idle + 1 : 0;
            }
        }

        var row = (await warehouse.QueryAsync("SELECT count(*), sum(quantity) FROM orders", CancellationToken.None)).Rows[0];
        Assert.Equal((long)orders.Count, row[0]);
        Assert.Equal((decimal)orders.Sum(o => (long)o["quantity"]!), row[1]);

        var files = await new LakeManifestStore(lake).VisibleFilesAsync("orders", LakeLayout.Clean, CancellationToken.None);
        Assert.NotEmpty(files);
        var inLake = Assert.Single(await LakeParquet.QueryAsync(lake, files, "count(*), CAST(sum(quantity) AS BIGINT)"));
        Assert.Equal((long)orders.Count, Convert.ToInt64(inLake[0]));
        Assert.Equal(orders.Sum(o => (long)o["quantity"]!), Convert.ToInt64(inLake[1]));
    }
}
