using Emporium.Datasets;

namespace Emporium.Tests.Datasets;

public sealed class FieldNameMatcherTests
{
    [Theory]
    [InlineData("reviews.rating", "rating", 2)]
    [InlineData("Reviews_Rating", "rating", 2)]
    [InlineData("rating", "rating", 0)]
    [InlineData("overall", "rating", 1)]
    [InlineData("unixReviewTime", "reviewed_at", 1)]
    [InlineData("reviewTime", "reviewed_at", 3)]
    [InlineData("REVIEWER-ID", "reviewer_id", 0)]
    [InlineData("\uFEFFasin", "asin", 0)]
    [InlineData(" Reviewer ID ", "reviewer_id", 0)]
    public void MatchesByNormalizedNameWithRank(string input, string column, int rank)
    {
        var matcher = FieldNameMatcher.For(DatasetCatalog.Reviews);

        Assert.True(matcher.TryMatch(input, out var match));
        Assert.Equal(DatasetCatalog.Reviews.IndexOf(column), match.Column);
        Assert.Equal(rank, match.Rank);
        Assert.True(matcher.TryMatchUtf8(System.Text.Encoding.UTF8.GetBytes(input), out var utf8));
        Assert.Equal(match, utf8);
    }

    [Theory]
    [InlineData("id")] // Datafiniti's product id, not a review id
    [InlineData("style")]
    [InlineData("")]
    public void UnknownNamesDoNotMatch(string input)
    {
        Assert.False(FieldNameMatcher.For(DatasetCatalog.Reviews).TryMatch(input, out _));
    }

    [Fact]
    public void IsBuiltOncePerSchema()
    {
        Assert.Same(FieldNameMatcher.For(DatasetCatalog.Orders), FieldNameMatcher.For(DatasetCatalog.Orders));
    }

    [Fact]
    public void AmbiguousAliasesAreRejectedWhenTheSchemaIsFirstUsed()
    {
        var schema = new DatasetSchema("bad", [new("a_b", ColumnType.Text), new("x", ColumnType.Text, false, "A.B")], [], WriteMode.Append);

        var error = Assert.Throws<InvalidOperationException>(() => FieldNameMatcher.For(schema));
        Assert.Contains("a_b", error.Message);
    }

    [Fact]
    public void VeryLongNamesStillMatch()
    {
        var schema = new DatasetSchema("long", [new(new string('a', 300), ColumnType.Text)], [], WriteMode.Append);

        Assert.True(FieldNameMatcher.For(schema).TryMatch(new string('A', 300), out _));
    }
}
