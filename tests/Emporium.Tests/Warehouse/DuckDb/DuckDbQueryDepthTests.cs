using Emporium.Warehouse;

namespace Emporium.Tests.Warehouse.DuckDb;

/// <summary>The guard walks DuckDB's parse tree of the user's query: an ordinary long expression must pass, and one
/// nested beyond what is checked must be refused with a reason, never fail as an internal error or exhaust the stack.</summary>
public sealed class DuckDbQueryDepthTests(ReadOnlyWarehouseFixture fixture) : IClassFixture<ReadOnlyWarehouseFixture>
{
    [Theory]
    [InlineData(40)]
    [InlineData(200)]
    [InlineData(900)] // near DuckDB's own limit of 1000 levels
    public async Task A_long_sum_runs(int terms)
    {
        var result = await fixture.Warehouse.QueryReadOnlyAsync("SELECT " + string.Join(" + ", Enumerable.Repeat("1", terms)) + " AS total", 10, CancellationToken.None);
        Assert.Equal((long)terms, Convert.ToInt64(result.Rows.Single()[0], System.Globalization.CultureInfo.InvariantCulture));
    }

    [Theory]
    [InlineData(5_000)]
    [InlineData(50_000)]
    public async Task A_query_nested_too_deep_is_refused_with_a_reason(int terms)
    {
        var sql = "SELECT " + string.Join(" + ", Enumerable.Repeat("1", terms));
        var e = await Assert.ThrowsAsync<QueryRejectedException>(() => fixture.Warehouse.QueryReadOnlyAsync(sql, 10, CancellationToken.None));
        Assert.Contains("depth", e.Message, StringComparison.OrdinalIgnoreCase);
    }
}
