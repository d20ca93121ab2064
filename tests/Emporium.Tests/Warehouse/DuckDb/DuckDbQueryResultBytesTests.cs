using Emporium.Datasets;
using Emporium.Tests.TestSupport;
using Emporium.Warehouse;
using Emporium.Warehouse.DuckDb;

namespace Emporium.Tests.Warehouse.DuckDb;

/// <summary>A user query asking for many wide rows stops at <see cref="DuckDbWarehouseOptions.MaxResultBytes"/>,
/// flagged, instead of holding them all in the process.</summary>
public sealed class DuckDbQueryResultBytesTests
{
    [Fact]
    public async Task A_wide_result_stops_at_the_byte_budget_before_the_row_cap()
    {
        using var dir = new TempDir("resultbytes");
        await using var warehouse = new DuckDbWarehouse(new DuckDbWarehouseOptions { Path = dir.Combine("w.duckdb"), MaxResultBytes = 100_000 });
        await warehouse.InitializeAsync(DatasetCatalog.All, CancellationToken.None);

        var result = await warehouse.QueryReadOnlyAsync("SELECT i, repeat('x', 1000) AS t FROM range(1000) r(i) ORDER BY i", 1000, CancellationToken.None);

        Assert.True(result.Truncated);
        Assert.Equal(QueryResult.ByBytes, result.TruncatedBy);
        Assert.InRange(result.Rows.Count, 50, 99);
        Assert.Equal(Enumerable.Range(0, result.Rows.Count).Select(i => (object?)(long)i), result.Rows.Select(r => r[0]));
    }

}
