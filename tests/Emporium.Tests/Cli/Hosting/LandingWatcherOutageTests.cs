using Emporium.Batch.Landing;
using Emporium.Batch.Loading;
using Emporium.Cli.Hosting;
using Emporium.Datasets;
using Emporium.Lake;
using Emporium.Lake.S3;
using Emporium.Tests.TestSupport;
using Emporium.Warehouse.DuckDb;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;

namespace Emporium.Tests.Cli.Hosting;

/// <summary>The landing watcher while a backend is down: the load fails, the file waits in landing, the watcher goes
/// on scanning and loads it once the backend is back. A failure that was not an I/O error ended the watcher's task,
/// which stops the whole server (a background service's failure stops its host) with exit code 0.</summary>
public sealed class LandingWatcherOutageTests(MotoServer moto) : IClassFixture<MotoServer>
{
    [Fact]
    public async Task S3_down_while_a_landed_file_loads_keeps_the_watcher_running_and_the_file_loads_once_when_S3_is_back()
    {
        using var dir = new TempDir("landing-s3-outage");
        await using var proxy = new OutageProxy("127.0.0.1", moto.Port);
        using var lake = new S3LakeStore(new S3LakeStoreOptions
        {
            Bucket = await moto.CreateBucketAsync("landing"), Prefix = "lake", ServiceUrl = $"http://127.0.0.1:{proxy.Port}",
            Region = MotoServer.Region, AccessKey = MotoServer.AccessKey, SecretKey = MotoServer.SecretKey,
        });
        await using var warehouse = new DuckDbWarehouse(new DuckDbWarehouseOptions { Path = dir.Combine("warehouse.duckdb") });
        await warehouse.InitializeAsync(LoadSpec.Loadable, CancellationToken.None);
        using var parquet = new ParquetWriter(dir.Combine("tmp"));
        var loader = new BatchLoader(warehouse, lake, parquet, RecordNormalizer.Instance, TimeProvider.System);
        var options = new LandingOptions { StableFor = TimeSpan.Zero, ScanInterval = TimeSpan.FromMilliseconds(200) };
        var zone = new LandingZone(dir.Combine("landing"), loader, TimeProvider.System, options);
        var landed = Path.Combine(Directory.CreateDirectory(dir.Combine("landing", "categories")).FullName, "amazon_categories.csv");
        var logger = new FakeLogger<LandingWatcher>();
        using var watcher = new LandingWatcher(zone, options, TimeProvider.System, logger);

        proxy.Cut();
        File.Copy(SampleData.CategoriesCsv, landed);
        await watcher.StartAsync(CancellationToken.None);
        await WaitAsync(() => watcher.ExecuteTask!.IsCompleted || logger.Collector.GetSnapshot().Any(r => r.Level >= LogLevel.Warning), "the failed load to be logged");
        await Task.Delay(TimeSpan.FromSeconds(1));
        Assert.False(watcher.ExecuteTask!.IsCompleted, $"the watcher ended: {watcher.ExecuteTask.Exception?.InnerException?.Message}");
        Assert.True(File.Exists(landed), "the file left landing while S3 was down");
        var failure = logger.Collector.GetSnapshot().First(r => r.Level >= LogLevel.Warning);
        Assert.StartsWith($"landing scan failed: lake {lake.Describe} at http://127.0.0.1:{proxy.Port}: cannot reach the endpoint (", failure.Message, StringComparison.Ordinal);

        proxy.Restore();
        await WaitAsync(() => !File.Exists(landed), "the file to load once S3 is back");
        await watcher.StopAsync(CancellationToken.None);

        var expected = File.ReadLines(SampleData.CategoriesCsv).Count() - 1;
        Assert.Equal(expected, Convert.ToInt64((await warehouse.QueryAsync("SELECT count(*) FROM categories", CancellationToken.None)).Rows[0][0]));
        var clean = await new LakeManifestStore(lake).VisibleFilesAsync("categories", LakeLayout.Clean, CancellationToken.None);
        Assert.Equal(expected, Convert.ToInt64(Assert.Single(await LakeParquet.QueryAsync(lake, clean, "count(*)"))[0]));
        Assert.Contains(logger.Collector.GetSnapshot(), r => r.Message.StartsWith("landing scan recovered", StringComparison.Ordinal));
    }

    private static async Task WaitAsync(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(90);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"timed out waiting for {what}");
            await Task.Delay(100);
        }
    }
}
