using Emporium.Batch.Loading;
using Emporium.Datasets;

namespace Emporium.Tests.Batch.Loading;

/// <summary>DuckDB can refuse a row that passed the rules only through a constraint an operator added: it cannot add a
/// CHECK to an existing table, but it can <c>SET NOT NULL</c> on a column. Its loads write rows without savepoints
/// (DuckDB has none), so such a file fails, with the warehouse's reason and nothing of it loaded; the refusal used to
/// escape the loader as an exception, and the files after it in the same load were never loaded.</summary>
public sealed class BatchLoaderDuckDbRefusalTests
{
    [Theory]
    [InlineData("csv", true, true)]
    [InlineData("ndjson", false, true)]
    [InlineData("ndjson", false, false)]
    public async Task A_file_with_a_row_duckdb_refuses_fails_with_its_reason_and_the_next_file_loads(string extension, bool bulk, bool oneTransactionPerFile)
    {
        await using var h = await BatchHarness.StartAsync(new BatchLoaderOptions { OneTransactionPerFile = oneTransactionPerFile });
        await h.Warehouse.ExecuteAsync("ALTER TABLE products ALTER COLUMN title SET NOT NULL", CancellationToken.None);
        var refused = Write(h, $"refused.{extension}", ("B01", "Lamp"), ("B02", null), ("B03", "Desk"));
        var good = Write(h, $"good.{extension}", ("B04", "Chair"));

        var summary = await h.LoadAsync(DatasetCatalog.Products, refused, good);

        var failed = summary.Files[0];
        Assert.Equal(FileLoadStatus.Failed, failed.Status);
        Assert.Equal(bulk, failed.Bulk);
        Assert.Equal("the warehouse refused a row of the file: Constraint Error: NOT NULL constraint failed: products.title", failed.Error);
        Assert.True(summary.HasErrors);
        Assert.Equal(FileLoadStatus.Loaded, summary.Files[1].Status);
        Assert.Equal(["B04"], (await h.RowsAsync("SELECT asin FROM products ORDER BY asin")).Select(r => (string)r[0]!));
    }

    private static string Write(BatchHarness h, string name, params (string Asin, string? Title)[] rows)
    {
        var path = h.Combine(name);
        File.WriteAllLines(path, name.EndsWith(".csv", StringComparison.Ordinal)
            ? ["asin,title,price", .. rows.Select(r => $"{r.Asin},{r.Title},12.5")]
            : rows.Select(r => System.Text.Json.JsonSerializer.Serialize(new { asin = r.Asin, title = r.Title, price = 12.5 })));
        return path;
    }
}
