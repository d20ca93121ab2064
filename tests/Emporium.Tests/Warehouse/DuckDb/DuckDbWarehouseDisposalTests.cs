using Emporium.Tests.TestSupport;
using Emporium.Warehouse.DuckDb;

namespace Emporium.Tests.Warehouse.DuckDb;

/// <summary>A warehouse disposed (the host stopping) while reads still run on their own connections: they end with
/// their own outcome, not with an error of the disposal's making.</summary>
public sealed class DuckDbWarehouseDisposalTests
{
    [Theory]
    [InlineData(0)] // drops to the commit count at once
    [InlineData(1000)] // drops after a linger, on a timer (the system's: it refuses to be re-armed once disposed)
    public void A_query_that_ends_after_disposal_ends_without_an_error(int lingerMs)
    {
        using var dir = new TempDir("duckdb-dispose");
        var threads = new DuckDbThreads($"Data Source={dir.Combine("t.duckdb")}", full: 4, commit: 1, TimeSpan.FromMilliseconds(lingerMs), TimeProvider.System);
        var query = threads.Enter();
        threads.Dispose();

        query.Dispose();
        threads.Enter().Dispose();
        threads.Dispose();
    }
}
