using System.Data;
using System.Data.Common;
using System.Text.Json;
using Emporium.Cli.Web;
using Emporium.Warehouse;

namespace Emporium.Tests.Warehouse;

/// <summary>The shared reader stops at the byte budget as it stops at the row cap, so a user query's result can never
/// grow the process past what the budget allows, whatever maxRows was asked.</summary>
public sealed class QueryResultReaderTests
{
    private sealed class PlainValues : EngineValues
    {
        public override Func<DbDataReader, int, object>? Reader(DbDataReader reader, int ordinal) => null;
    }

    private static DbDataReader Rows(int count, int textLength)
    {
        var table = new DataTable();
        table.Columns.Add("id", typeof(long));
        table.Columns.Add("text", typeof(string));
        for (var i = 0; i < count; i++)
        {
            table.Rows.Add((long)i, new string('x', textLength));
        }
        return table.CreateDataReader();
    }

    private static int JsonBytes(QueryResult result) => JsonSerializer.SerializeToUtf8Bytes(result.Rows, ResultJson.Options).Length;

    [Fact]
    public async Task A_result_past_the_byte_budget_stops_there_and_says_so()
    {
        var result = await QueryResultReader.ReadAsync(Rows(100, 1000), new PlainValues(), maxRows: 1000, maxBytes: 20_000, async: false, CancellationToken.None);

        Assert.True(result.Truncated);
        Assert.Equal(QueryResult.ByBytes, result.TruncatedBy);
        Assert.InRange(result.Rows.Count, 10, 19);
        Assert.True(JsonBytes(result) <= 20_000, $"{JsonBytes(result)} bytes of JSON for a 20 000-byte budget");
        Assert.Equal(Enumerable.Range(0, result.Rows.Count).Select(i => (object?)(long)i), result.Rows.Select(r => r[0]));
    }

    [Fact]
    public async Task The_row_cap_is_named_when_it_cut_first()
    {
        var result = await QueryResultReader.ReadAsync(Rows(100, 10), new PlainValues(), maxRows: 5, maxBytes: 1 << 20, async: false, CancellationToken.None);

        Assert.Equal(5, result.Rows.Count);
        Assert.True(result.Truncated);
        Assert.Equal(QueryResult.ByRows, result.TruncatedBy);
    }

    [Fact]
    public async Task A_result_within_both_limits_is_whole()
    {
        var result = await QueryResultReader.ReadAsync(Rows(100, 10), new PlainValues(), maxRows: 100, maxBytes: 1 << 20, async: false, CancellationToken.None);

        Assert.Equal(100, result.Rows.Count);
        Assert.False(result.Truncated);
        Assert.Null(result.TruncatedBy);
    }

    [Fact]
    public async Task A_first_row_larger_than_the_budget_is_still_shown()
    {
        var result = await QueryResultReader.ReadAsync(Rows(3, 5000), new PlainValues(), maxRows: 10, maxBytes: 1000, async: false, CancellationToken.None);

        Assert.Single(result.Rows);
        Assert.Equal(QueryResult.ByBytes, result.TruncatedBy);
    }
}
