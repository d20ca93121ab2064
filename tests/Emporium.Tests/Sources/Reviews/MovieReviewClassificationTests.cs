using Emporium.Lake.Local;
using Emporium.Demo;
using Emporium.Sources.Reviews;
using Emporium.Tests.Sources.Postgres;
using Emporium.Tests.TestSupport;

namespace Emporium.Tests.Sources.Reviews;

public sealed class MovieReviewClassificationTests
{
    [Fact]
    public async Task Classifies_every_review_and_keeps_the_seed_rule_beside_it()
    {
        var customers = PostgresExtractorTests.ReadCsv(SampleData.UserPurchase)
            .Where(r => !string.IsNullOrEmpty(r["customer_id"]))
            .Select(r => long.Parse(r["customer_id"]!))
            .Distinct()
            .ToList();
        var csv = new StringWriter();
        var generated = MovieReviewGenerator.Write(csv, customers, seed: 4);
        using var dir = new TempDir("movie-review");
        var lake = new LocalLakeStore(dir.Path);
        var ds = new DateOnly(2010, 12, 2);
        var input = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(csv.ToString()));

        var result = await new MovieReviewClassification(lake).ClassifyAsync(input, new SeedRuleClassifier(), ds, CancellationToken.None);

        Assert.Equal("stage/movie_review/ds=2010-12-02/movie_review.csv", result.Path);
        Assert.Equal(generated, result.Rows);
        var inputRows = ReadCsv(csv.ToString());
        var staged = PostgresExtractorTests.ReadCsv(lake.Resolve(result.Path));
        Assert.Equal(inputRows.Count, staged.Count);
        for (var i = 0; i < staged.Count; i++)
        {
            Assert.Equal(inputRows[i]["cid"], staged[i]["cid"]);
            var hasGood = inputRows[i]["review_str"]!.ToLowerInvariant().Split(' ').Contains("good");
            Assert.Equal(hasGood ? "true" : "false", staged[i]["rule_positive"]);
            Assert.Equal("2010-12-02", staged[i]["insert_date"]);
        }
        Assert.True(result.RulePositive > 0 && result.RulePositive < result.Rows);
        Assert.True(customers.Count > staged.Select(r => r["cid"]).Distinct().Count(), "some customers write no review");
    }

    [Fact]
    public async Task A_file_without_review_str_is_refused_with_the_column_name()
    {
        using var dir = new TempDir("movie-review-bad");
        var input = new MemoryStream("cid,text\n1,good\n"u8.ToArray());
        var error = await Assert.ThrowsAsync<InvalidDataException>(() =>
            new MovieReviewClassification(new LocalLakeStore(dir.Path)).ClassifyAsync(input, new SeedRuleClassifier(), new DateOnly(2010, 12, 2), CancellationToken.None));
        Assert.Contains("review_str", error.Message);
    }

    private static List<Dictionary<string, string?>> ReadCsv(string text)
    {
        var path = Path.GetTempFileName();
        try
        {
            File.WriteAllText(path, text);
            return PostgresExtractorTests.ReadCsv(path);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
