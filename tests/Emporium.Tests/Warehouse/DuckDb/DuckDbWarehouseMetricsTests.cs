using System.Globalization;
using Emporium.Datasets;
using Emporium.Diagnostics;
using Emporium.Log;
using Emporium.Tests.Processing;
using Emporium.Tests.TestSupport;
using Emporium.Warehouse;
using Emporium.Warehouse.DuckDb;
using Microsoft.Extensions.Time.Testing;

namespace Emporium.Tests.Warehouse.DuckDb;

public sealed class DuckDbWarehouseMetricsTests
{
    private static Dictionary<string, double> Samples(DuckDbWarehouse warehouse)
    {
        var writer = new PrometheusWriter();
        new DuckDbWarehouseMetrics(warehouse).Write(writer);
        return writer.ToString().Split('\n')
            .Where(l => l.Length > 0 && !l.StartsWith('#'))
            .ToDictionary(l => l.Split(' ')[0], l => double.Parse(l.Split(' ')[1], CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task The_write_ahead_log_size_and_the_idle_checkpoints_are_reported()
    {
        using var dir = new TempDir("duckdb-metrics");
        var path = dir.Combine("w.duckdb");
        var time = new FakeTimeProvider(DateTimeOffset.UnixEpoch);
        await using var warehouse = new DuckDbWarehouse(new DuckDbWarehouseOptions { Path = path, IdleCheckpointMinWalBytes = 1 }, time);
        await warehouse.InitializeAsync([DatasetCatalog.Orders], CancellationToken.None);
        await warehouse.CommitAsync(TestRecords.OrdersBatch(0, 300), CancellationToken.None);

        var before = Samples(warehouse);
        Assert.Equal(new FileInfo(path + ".wal").Length, before["emporium_warehouse_wal_bytes"]);
        Assert.True(before["emporium_warehouse_wal_bytes"] > 0);
        Assert.Equal(0, before["emporium_warehouse_idle_checkpoints_total"]);

        time.Advance(TimeSpan.FromSeconds(1));
        var after = Samples(warehouse);
        Assert.Equal(0, after["emporium_warehouse_wal_bytes"]);
        Assert.Equal(1, after["emporium_warehouse_idle_checkpoints_total"]);
    }
}
