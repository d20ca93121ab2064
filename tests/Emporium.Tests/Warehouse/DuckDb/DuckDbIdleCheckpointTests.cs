using DuckDB.NET.Data;
using Emporium.Configuration;
using Emporium.Datasets;
using Emporium.Log;
using Emporium.Tests.Processing;
using Emporium.Tests.TestSupport;
using Emporium.Warehouse;
using Emporium.Warehouse.DuckDb;
using Microsoft.Extensions.Time.Testing;

namespace Emporium.Tests.Warehouse.DuckDb;

/// <summary>The write-ahead log is folded into the database file once the writer has been idle for
/// <see cref="DuckDbWarehouseOptions.IdleCheckpointAfter"/>, not inside a stream's commit.</summary>
public sealed class DuckDbIdleCheckpointTests
{
    private static WarehouseBatch Batch(int first, int count) => TestRecords.OrdersBatch(first, count);

    private static long WalBytes(string path) => File.Exists(path + ".wal") ? new FileInfo(path + ".wal").Length : 0;

    private static async Task<(DuckDbWarehouse Warehouse, FakeTimeProvider Time)> OpenAsync(string path, long minWal = 1)
    {
        var time = new FakeTimeProvider(DateTimeOffset.UnixEpoch);
        var warehouse = new DuckDbWarehouse(new DuckDbWarehouseOptions { Path = path, IdleCheckpointMinWalBytes = minWal }, time);
        await warehouse.InitializeAsync([DatasetCatalog.Orders], CancellationToken.None);
        return (warehouse, time);
    }

    [Fact]
    public async Task The_log_is_folded_after_half_a_second_without_writes_and_each_write_restarts_the_wait()
    {
        using var dir = new TempDir("duckdb-idle");
        var path = dir.Combine("w.duckdb");
        var (warehouse, time) = await OpenAsync(path);
        await using (warehouse)
        {
            await warehouse.CommitAsync(Batch(0, 500), CancellationToken.None);
            time.Advance(TimeSpan.FromMilliseconds(400));
            await warehouse.CommitAsync(Batch(500, 500), CancellationToken.None);
            time.Advance(TimeSpan.FromMilliseconds(400));
            Assert.Equal(0, warehouse.IdleCheckpoints);
            Assert.True(WalBytes(path) > 0, "both commits are still in the write-ahead log");

            time.Advance(TimeSpan.FromMilliseconds(100));
            Assert.Equal(1, warehouse.IdleCheckpoints);
            Assert.Equal(0, WalBytes(path));
            var rows = await warehouse.QueryAsync("SELECT count(*) FROM orders", CancellationToken.None);
            Assert.Equal(1000L, Convert.ToInt64(rows.Rows.Single()[0], System.Globalization.CultureInfo.InvariantCulture));

            time.Advance(TimeSpan.FromSeconds(5));
            Assert.Equal(1, warehouse.IdleCheckpoints); // nothing written since: no timer, no checkpoint
        }
    }

    [Fact]
    public async Task A_log_smaller_than_the_minimum_is_left_to_the_clean_stop()
    {
        using var dir = new TempDir("duckdb-idle");
        var path = dir.Combine("w.duckdb");
        var (warehouse, time) = await OpenAsync(path, minWal: 64L << 20);
        await using (warehouse)
        {
            await warehouse.CommitAsync(Batch(0, 100), CancellationToken.None);
            time.Advance(TimeSpan.FromSeconds(2));
            Assert.Equal(0, warehouse.IdleCheckpoints);
            Assert.True(WalBytes(path) > 0);
        }
        Assert.Equal(0, WalBytes(path));
    }

    [Fact]
    public async Task A_reader_holding_a_transaction_does_not_keep_it_from_running()
    {
        using var dir = new TempDir("duckdb-idle");
        var path = dir.Combine("w.duckdb");
        var (warehouse, time) = await OpenAsync(path);
        await using (warehouse)
        {
            await warehouse.CommitAsync(Batch(0, 500), CancellationToken.None);
            using var reader = new DuckDBConnection($"Data Source={path}");
            reader.Open();
            using var tx = reader.BeginTransaction();
            using var cmd = reader.CreateCommand();
            cmd.CommandText = "SELECT count(*) FROM orders";
            Assert.Equal(500L, Convert.ToInt64(cmd.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture));
            time.Advance(TimeSpan.FromMilliseconds(500));
            Assert.Equal(1, warehouse.IdleCheckpoints);
            Assert.Equal(500L, Convert.ToInt64(cmd.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture));
        }
    }

    [Fact]
    public async Task Another_connection_writing_postpones_it_to_the_next_idle_spell()
    {
        using var dir = new TempDir("duckdb-idle");
        var path = dir.Combine("w.duckdb");
        var (warehouse, time) = await OpenAsync(path);
        await using (warehouse)
        {
            await warehouse.CommitAsync(Batch(0, 500), CancellationToken.None);
            using (var reader = new DuckDBConnection($"Data Source={path}"))
            {
                reader.Open();
                using var tx = reader.BeginTransaction();
                using (var cmd = reader.CreateCommand())
                {
                    cmd.CommandText = "CREATE TABLE side_writes (n INTEGER); INSERT INTO side_writes VALUES (1)";
                    cmd.ExecuteNonQuery();
                }
                time.Advance(TimeSpan.FromMilliseconds(500));
                Assert.Equal(0, warehouse.IdleCheckpoints);
                Assert.True(WalBytes(path) > 0);
                tx.Commit();
            }
            time.Advance(TimeSpan.FromMilliseconds(500));
            Assert.Equal(1, warehouse.IdleCheckpoints);
            Assert.Equal(0, WalBytes(path));
        }
    }

    [Theory]
    [InlineData("", 500)]
    [InlineData("?idle_checkpoint_ms=2000", 2000)]
    [InlineData("?idle_checkpoint_ms=0", 0)]
    [InlineData("?idle_checkpoint_ms=default", 500)]
    public async Task The_wait_is_set_from_the_address(string query, int milliseconds)
    {
        using var dir = new TempDir("duckdb-idle");
        var address = BackendAddresses.Parse(BackendKind.Warehouse, $"duckdb:{dir.Combine("a.duckdb")}{query}", "duckdb", "/unused");
        await using var warehouse = await new DuckDbWarehouseBackendFactory().CreateAsync(address, new EmporiumOptions(), CancellationToken.None);
        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), ((DuckDbWarehouse)warehouse).Options.IdleCheckpointAfter);
    }

    [Fact]
    public async Task A_bad_wait_names_the_parameter()
    {
        using var dir = new TempDir("duckdb-idle");
        var address = BackendAddresses.Parse(BackendKind.Warehouse, $"duckdb:{dir.Combine("c.duckdb")}?idle_checkpoint_ms=soon", "duckdb", "/unused");
        var e = await Assert.ThrowsAsync<BackendConfigurationException>(async () =>
            await new DuckDbWarehouseBackendFactory().CreateAsync(address, new EmporiumOptions(), CancellationToken.None));
        Assert.Contains("idle_checkpoint_ms must be a whole number of milliseconds", e.Message, StringComparison.Ordinal);
    }
}
