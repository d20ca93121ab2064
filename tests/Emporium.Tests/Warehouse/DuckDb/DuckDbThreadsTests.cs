using DuckDB.NET.Data;
using Emporium.Configuration;
using Emporium.Datasets;
using Emporium.Log;
using Emporium.Tests.Processing;
using Emporium.Warehouse;
using Emporium.Tests.TestSupport;
using Emporium.Warehouse.DuckDb;
using Microsoft.Extensions.Time.Testing;

namespace Emporium.Tests.Warehouse.DuckDb;

/// <summary>DuckDB's thread count follows the work: the commit count between loads and queries, the full count while any
/// runs (overlapping ones included) and for a linger after the last.</summary>
public sealed class DuckDbThreadsTests
{
    private static string Threads(DuckDBConnection connection)
    {
        using var cmd = connection.CreateCommand();
        cmd.CommandText = "SELECT current_setting('threads')::VARCHAR";
        return (string)cmd.ExecuteScalar()!;
    }

    [Fact]
    public async Task Queries_get_the_full_count_which_lingers_a_second_after_the_last()
    {
        using var dir = new TempDir("duckdb-threads");
        var path = dir.Combine("w.duckdb");
        var time = new FakeTimeProvider(DateTimeOffset.UnixEpoch);
        await using var warehouse = new DuckDbWarehouse(new DuckDbWarehouseOptions { Path = path, Threads = 3 }, time);
        using var side = new DuckDBConnection($"Data Source={path}");
        side.Open();
        Assert.Equal("1", Threads(side));

        var inQuery = await warehouse.QueryAsync("SELECT current_setting('threads')::VARCHAR", CancellationToken.None);
        Assert.Equal("3", inQuery.Rows.Single()[0]);
        time.Advance(TimeSpan.FromMilliseconds(900));
        Assert.Equal("3", Threads(side));
        await warehouse.QueryAsync("SELECT 1", CancellationToken.None);
        time.Advance(TimeSpan.FromMilliseconds(900));
        Assert.Equal("3", Threads(side));
        time.Advance(TimeSpan.FromMilliseconds(200));
        Assert.Equal("1", Threads(side));
    }

    [Fact]
    public async Task A_commit_of_ten_thousand_rows_gets_the_full_count_and_a_small_one_does_not()
    {
        using var dir = new TempDir("duckdb-threads");
        var path = dir.Combine("w.duckdb");
        var time = new FakeTimeProvider(DateTimeOffset.UnixEpoch);
        await using var warehouse = new DuckDbWarehouse(new DuckDbWarehouseOptions { Path = path, Threads = 3 }, time);
        await warehouse.InitializeAsync([DatasetCatalog.Orders], CancellationToken.None);
        using var side = new DuckDBConnection($"Data Source={path}");
        side.Open();
        time.Advance(TimeSpan.FromSeconds(2)); // past the linger of the initialization's own statements

        await warehouse.CommitAsync(Batch(0, 100), CancellationToken.None);
        Assert.Equal("1", Threads(side));
        await warehouse.CommitAsync(Batch(100, 10_000), CancellationToken.None);
        Assert.Equal("3", Threads(side)); // still lingering after the large commit
        time.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal("1", Threads(side));

        static WarehouseBatch Batch(int first, int count) => TestRecords.OrdersBatch(first, count);
    }

    [Fact]
    public void Overlapping_scopes_keep_the_full_count_until_the_last_one_ends()
    {
        using var dir = new TempDir("duckdb-threads");
        var connectionString = $"Data Source={dir.Combine("t.duckdb")}";
        using var side = new DuckDBConnection(connectionString);
        side.Open();
        using var threads = new DuckDbThreads(connectionString, full: 4, commit: 2);
        Assert.Equal("2", Threads(side));
        var first = threads.Enter();
        var second = threads.Enter();
        Assert.Equal("4", Threads(side));
        first.Dispose();
        Assert.Equal("4", Threads(side));
        second.Dispose();
        Assert.Equal("2", Threads(side));
    }

    [Theory]
    [InlineData("?threads=3&commit_threads=2", "2", "3")]
    [InlineData("?threads=3&commit_threads=default", "3", "3")]
    public async Task The_counts_are_set_from_the_address(string query, string idle, string busy)
    {
        using var dir = new TempDir("duckdb-threads");
        var path = dir.Combine("a.duckdb");
        var address = BackendAddresses.Parse(BackendKind.Warehouse, $"duckdb:{path}{query}", "duckdb", "/unused");
        await using var warehouse = await new DuckDbWarehouseBackendFactory().CreateAsync(address, new EmporiumOptions(), CancellationToken.None);
        using var side = new DuckDBConnection($"Data Source={path}");
        side.Open();
        Assert.Equal(idle, Threads(side));
        Assert.Equal(busy, (await warehouse.QueryAsync("SELECT current_setting('threads')::VARCHAR", CancellationToken.None)).Rows.Single()[0]);
    }

    [Theory]
    [InlineData("?threads=0")]
    [InlineData("?commit_threads=two")]
    public async Task A_bad_count_names_the_parameter(string query)
    {
        using var dir = new TempDir("duckdb-threads");
        var address = BackendAddresses.Parse(BackendKind.Warehouse, $"duckdb:{dir.Combine("c.duckdb")}{query}", "duckdb", "/unused");
        var e = await Assert.ThrowsAsync<BackendConfigurationException>(async () =>
            await new DuckDbWarehouseBackendFactory().CreateAsync(address, new EmporiumOptions(), CancellationToken.None));
        Assert.Contains($"{query[1..query.IndexOf('=')]} must be a whole number of at least 1", e.Message, StringComparison.Ordinal);
    }
}
