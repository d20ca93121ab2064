using Emporium.Cli.Commands.Client;
using Emporium.Tests.TestSupport;
using Emporium.Warehouse;

namespace Emporium.Tests.Cli.Commands.Client;

/// <summary>What <c>emporium query</c> and <c>emporium marts</c> print for each value kind the warehouse answers with.</summary>
public sealed class TableOutputTests
{
    private static readonly QueryResult Nested = new(
        [new QueryColumn("asin", "varchar"), new QueryColumn("tags", "varchar[]"), new QueryColumn("meta", "struct"), new QueryColumn("raw", "blob"), new QueryColumn("price", "double")],
        [["B01, \"x\"", new List<object?> { "a", null }, new Dictionary<string, object?> { ["n"] = 1L }, new byte[] { 0xCA, 0xFE }, 1.5], ["B02", null, null, null, null]],
        false);

    private static string Write(string format)
    {
        using var text = new StringWriter();
        TableOutput.Write(Nested, format, text);
        return text.ToString();
    }

    /// <summary>CSV is data for another program, so a cut result says so on the notices writer (stderr), as the table
    /// format says it under the table: a script reading only stdout would otherwise take the first rows for all.</summary>
    [Fact]
    public void Csv_of_a_cut_result_says_so_on_the_notices_writer_and_keeps_the_data_pure()
    {
        var cut = new QueryResult([new QueryColumn("n", "bigint")], [[1L], [2L]], Truncated: true, TruncatedBy: QueryResult.ByBytes);
        using var data = new StringWriter();
        using var notices = new StringWriter();

        TableOutput.Write(cut, "csv", data, notices: notices);

        Assert.Equal(["n", "1", "2"], data.ToString().Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal($"2 row(s) (truncated: the result reached the server's size limit; add a LIMIT, a filter or fewer columns){Environment.NewLine}", notices.ToString());

        using var whole = new StringWriter();
        TableOutput.Write(cut with { Truncated = false, TruncatedBy = null }, "csv", data, notices: whole);
        Assert.Equal("", whole.ToString());
    }

    [Fact]
    public void Csv_quotes_what_needs_it_and_writes_nested_values_as_json()
    {
        var lines = Write("csv").Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries);

        Assert.Equal(["asin,tags,meta,raw,price", "\"B01, \"\"x\"\"\",\"[\"\"a\"\",null]\",\"{\"\"n\"\":1}\",\\xcafe,1.5", "B02,,,,"], lines);
    }

    [Fact]
    public void Table_shows_nested_values_as_json_and_nulls_as_null()
    {
        var text = Write("table");

        Assert.Contains("[\"a\",null]", text, StringComparison.Ordinal);
        Assert.Contains("{\"n\":1}", text, StringComparison.Ordinal);
        Assert.Contains("\\xcafe", text, StringComparison.Ordinal);
        Assert.Contains("NULL", text, StringComparison.Ordinal);
        Assert.DoesNotContain("System.", text, StringComparison.Ordinal);
        Assert.Contains("2 row(s)", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Dates_and_times_print_as_the_api_writes_them()
    {
        var result = new QueryResult(
            [new QueryColumn("day", "date"), new QueryColumn("at", "timestamp"), new QueryColumn("utc", "timestamptz"), new QueryColumn("time", "time")],
            [[new DateOnly(2024, 1, 2), new DateTime(2024, 1, 2, 3, 4, 5, 600, DateTimeKind.Unspecified), new DateTime(2024, 1, 2, 3, 4, 5, DateTimeKind.Utc), new TimeOnly(10, 30)]]);
        using var text = new StringWriter();

        TableOutput.Write(result, "csv", text);

        Assert.Equal(["day,at,utc,time", "2024-01-02,2024-01-02T03:04:05.6,2024-01-02T03:04:05Z,10:30:00"], text.ToString().Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public void Json_is_the_api_shape()
    {
        Assert.Equal(
            "{\"columns\":[{\"name\":\"asin\",\"type\":\"varchar\"},{\"name\":\"tags\",\"type\":\"varchar[]\"},{\"name\":\"meta\",\"type\":\"struct\"},{\"name\":\"raw\",\"type\":\"blob\"},{\"name\":\"price\",\"type\":\"double\"}],"
            + "\"rows\":[[\"B01, \\\"x\\\"\",[\"a\",null],{\"n\":1},\"yv4=\",1.5],[\"B02\",null,null,null,null]],\"truncated\":false,\"truncatedBy\":null}",
            Write("json").Trim());
    }

    [Fact]
    public void A_result_too_wide_for_the_terminal_prints_one_record_at_a_time()
    {
        var columns = Enumerable.Range(1, 12).Select(i => new QueryColumn($"column_{i}", "varchar")).ToList();
        var rows = Enumerable.Range(1, 2).Select(r => columns.Select((_, c) => (object?)$"value-{r}-{c + 1}-abcdef").ToArray()).ToList();
        rows[1][3] = true;
        using var text = new StringWriter();

        TableOutput.Write(new QueryResult(columns, rows), "table", text);

        var lines = TerminalText.Lines(text.ToString());
        Assert.Contains(lines, l => l.Trim() == "row 1");
        Assert.Contains(lines, l => l.Trim() == "row 2");
        Assert.Contains(lines, l => l.StartsWith("│ column_1 ", StringComparison.Ordinal) && l.Contains("value-1-1-abcdef", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("│ column_4 ", StringComparison.Ordinal) && l.Contains(" true ", StringComparison.Ordinal));
        Assert.Contains("2 row(s)", text.ToString(), StringComparison.Ordinal);
    }
}
