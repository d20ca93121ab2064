using System.Globalization;
using System.Text.Json;
using Emporium.Batch.Formats;
using Emporium.Tests.TestSupport;
using static Emporium.Tests.Batch.BatchTestFiles;

namespace Emporium.Tests.Batch.Formats;

/// <summary>Every real sample is read as it is, with row counts and a numeric column checked against DuckDB's own
/// reader (an implementation independent of ours).</summary>
public sealed class RealSampleReadTests
{
    [Theory]
    [InlineData("amazon-products-asaniczka", "amazon_products_small.csv", "price")]
    [InlineData("amazon-products-asaniczka", "amazon_categories.csv", "id")]
    [InlineData("uci-online-retail-sample", "online_retail_sample.csv", "UnitPrice")]
    [InlineData("sde-user-purchase", "temp_filtered_user_purchase.csv", "unit_price")]
    [InlineData("datafiniti-amazon-reviews", "1429_1_head.csv", "reviews.rating")]
    [InlineData("sde-behaviour-metrics", "behaviour_metrics.csv", "amount_spent")]
    public async Task CsvSamplesMatchDuckDb(string folder, string file, string numericColumn)
    {
        var path = SampleData.Path(folder, file);
        var outcome = await ReadAllAsync(path);

        Assert.Equal(FileFormat.Csv, outcome.Format);
        Assert.All(outcome.Rows, r => Assert.Null(r.Error));
        var expectedRows = DuckScalar<long>($"SELECT count(*) FROM read_csv({Sql(path)}, header=true)");
        Assert.Equal(expectedRows, outcome.Rows.Count);
        var expectedSum = DuckScalar<double>($"SELECT sum(TRY_CAST(\"{numericColumn}\" AS DOUBLE)) FROM read_csv({Sql(path)}, header=true, all_varchar=true)");
        var sum = outcome.Rows.Sum(r => double.TryParse(r.Text(numericColumn), NumberStyles.Float, CultureInfo.InvariantCulture, out var d) ? d : 0);
        Assert.Equal(expectedSum, sum, 6);
        Assert.All(outcome.Rows, r => Assert.DoesNotContain(r.Fields!.Values, v => v is not null && v.EndsWith('\r')));
    }

    [Theory]
    [InlineData("amazon-products-asaniczka", "amazon_products_small.txt", "price")]
    [InlineData("amazon-products-asaniczka", "amazon_categories.txt", "id")]
    [InlineData("amazon-reviews-mcauley-fashion", "AMAZON_FASHION_5.json", "overall")]
    public async Task JsonLinesSamplesMatchDuckDb(string folder, string file, string numericField)
    {
        var path = SampleData.Path(folder, file);
        var outcome = await ReadAllAsync(path);

        Assert.Equal(FileFormat.Ndjson, outcome.Format);
        Assert.All(outcome.Rows, r => Assert.Null(r.Error));
        var lines = File.ReadLines(path).Count(l => l.Trim().Length > 0);
        Assert.Equal(lines, outcome.Rows.Count);
        var expectedSum = DuckScalar<double>($"SELECT sum(\"{numericField}\")::DOUBLE FROM read_json({Sql(path)}, format='newline_delimited')");
        Assert.Equal(expectedSum, outcome.Rows.Sum(r => r.Json!.Value.GetProperty(numericField).GetDouble()), 6);
        // Line numbers are physical lines: the last record sits on the last non-blank line.
        Assert.Equal(File.ReadLines(path).Select((l, i) => (l, i)).Last(x => x.l.Trim().Length > 0).i + 1, outcome.Rows[^1].Position.Line);
    }

    [Fact]
    public async Task RapidApiSearchResponseIsReadFromDataProducts()
    {
        var path = SampleData.SellerSearchResponse;
        var outcome = await ReadAllAsync(path);

        Assert.Equal(FileFormat.Json, outcome.Format);
        using var doc = JsonDocument.Parse(File.ReadAllBytes(path));
        var expected = doc.RootElement.GetProperty("data").GetProperty("products").EnumerateArray().Select(p => p.GetProperty("asin").GetString()).ToList();
        Assert.Equal(expected, outcome.Rows.Select(r => r.Text("asin")).ToList());
        Assert.Contains(outcome.Warnings, w => w.Contains("data.products", StringComparison.Ordinal));
        Assert.Equal("$23.94", outcome.Rows[0].Text("product_price"));
    }

    [Fact]
    public async Task DatafinitiKeepsDottedHeadersAndCrlf()
    {
        var outcome = await ReadAllAsync(SampleData.DatafinitiReviews);
        var parsed = ParseCsv(SampleData.DatafinitiReviews, out var header);

        Assert.Equal(header, outcome.Rows[0].Fields!.Keys.ToArray());
        Assert.Contains("reviews.rating", header);
        Assert.Equal(parsed.Select(r => r[Array.IndexOf(header, "reviews.text")]), outcome.Rows.Select(r => r.Text("reviews.text")));
    }
}
