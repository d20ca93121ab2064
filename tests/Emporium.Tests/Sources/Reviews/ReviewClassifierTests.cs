using System.Text.Json;
using Emporium.Sources.Reviews;
using Emporium.Tests.TestSupport;
using Xunit.Abstractions;

namespace Emporium.Tests.Sources.Reviews;

public sealed class ReviewClassifierTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData("This is a GOOD movie", true)]
    [InlineData("good", true)]
    [InlineData("It was good.", false)] // the seed's exact-token rule: punctuation defeats it
    [InlineData("great great great", false)]
    [InlineData("not good", true)] // and negation does not
    [InlineData("", false)]
    public void Seed_rule_matches_the_seed(string text, bool expected) =>
        Assert.Equal(expected, new SeedRuleClassifier().IsPositive(text));

    [Fact]
    public void Rated_reviews_follow_the_rating_thresholds_and_are_deduplicated()
    {
        var reviews = RatedReviewReader.ReadJsonLines(SampleData.McAuleyReviews);

        // Independent reading of the same file.
        var expected = File.ReadLines(SampleData.McAuleyReviews)
            .Select(l => JsonDocument.Parse(l).RootElement)
            .Where(e => e.TryGetProperty("reviewText", out var t) && t.GetString()!.Trim().Length > 0)
            .Select(e => (Text: e.GetProperty("reviewText").GetString()!.Trim(), Rating: e.GetProperty("overall").GetDouble()))
            .Where(x => x.Rating != 3)
            .GroupBy(x => x.Text)
            .Select(g => g.First())
            .ToList();
        Assert.Equal(expected.Count, reviews.Count);
        Assert.Equal(expected.Count(x => x.Rating >= 4), reviews.Count(r => r.Positive));
        Assert.Equal(reviews.Count, reviews.Select(r => r.Text).Distinct().Count());
    }

    [Fact]
    public void Ml_classifier_beats_the_seed_rule_on_held_out_real_reviews()
    {
        var reviews = RatedReviewReader.ReadJsonLines(SampleData.McAuleyReviews);
        var (train, test) = HoldoutSplit.Split(reviews, testPercent: 25, seed: 42);
        Assert.Empty(train.Select(r => r.Text).Intersect(test.Select(r => r.Text)));
        Assert.Contains(test, r => !r.Positive);

        var ml = MlReviewClassifier.Train(train, seed: 42);
        var rule = new SeedRuleClassifier();

        var mlAccuracy = HoldoutSplit.Accuracy(ml, test);
        var ruleAccuracy = HoldoutSplit.Accuracy(rule, test);
        var majority = test.Count(r => r.Positive) / (double)test.Count;
        // Accuracy recomputed independently of HoldoutSplit.Accuracy.
        var ruleCorrect = test.Count(r => r.Text.ToLowerInvariant().Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).Contains("good") == r.Positive);
        Assert.Equal(ruleCorrect / (double)test.Count, ruleAccuracy, 6);
        output.WriteLine($"train={train.Count} test={test.Count} (positive {test.Count(r => r.Positive)}), seed-rule={ruleAccuracy:P1}, ml={mlAccuracy:P1}, majority-class={majority:P1}");

        Assert.True(mlAccuracy > ruleAccuracy, $"ML {mlAccuracy:P1} should beat the seed rule {ruleAccuracy:P1}");
        Assert.True(mlAccuracy >= majority, $"ML {mlAccuracy:P1} should not be worse than always saying positive ({majority:P1})");
        // The model learned something beyond the prior: it recognises negative reviews.
        Assert.Contains(test.Where(r => !r.Positive), r => !ml.IsPositive(r.Text));
    }

    [Fact]
    public void Training_needs_both_classes() =>
        Assert.Throws<ArgumentException>(() => MlReviewClassifier.Train([new RatedReview("fine", true)]));
}
