using System.Text.Json;
using Emporium.Sources.Reviews;
using Emporium.Tests.Sources.Postgres;
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

    /// <summary>Nine in ten rated reviews are positive, so plain accuracy rewards a model that says "positive" to
    /// everything. The measure here is recall on each class, over four held-out quarters of the McAuley sample (each a
    /// different seeded split), and on Datafiniti's electronics reviews, a source the model never saw — labelled by
    /// their own star ratings, as the demo's movie reviews are classified by a model trained on other texts.</summary>
    [Fact]
    public void Ml_classifier_recognises_negative_reviews_held_out_and_from_another_source()
    {
        var reviews = RatedReviewReader.ReadJsonLines(SampleData.McAuleyReviews);
        var heldOut = new List<(bool Predicted, bool Actual)>();
        foreach (var seed in new long[] { 1, 2, 3, 4 })
        {
            var (train, test) = HoldoutSplit.Split(reviews, testPercent: 25, seed: seed);
            var model = MlReviewClassifier.Train(train, seed: 42);
            heldOut.AddRange(test.Select(r => (model.IsPositive(r.Text), r.Positive)));
        }
        var other = PostgresExtractorTests.ReadCsv(SampleData.DatafinitiReviews)
            .Select(r => (Text: r["reviews.text"]!, Rating: int.Parse(r["reviews.rating"]!, System.Globalization.CultureInfo.InvariantCulture)))
            .Where(r => r.Rating != 3)
            .ToList();
        var full = MlReviewClassifier.Train(reviews, seed: 42);
        var elsewhere = other.Select(r => (Predicted: full.IsPositive(r.Text), Actual: r.Rating >= 4)).ToList();

        var (heldPositive, heldNegative) = Recall(heldOut);
        var (otherPositive, otherNegative) = Recall(elsewhere);
        output.WriteLine($"held out: {heldOut.Count} ({heldOut.Count(v => !v.Actual)} negative), recall positive {heldPositive:P1}, negative {heldNegative:P1}; "
            + $"Datafiniti: {elsewhere.Count} ({elsewhere.Count(v => !v.Actual)} negative), recall positive {otherPositive:P1}, negative {otherNegative:P1}");

        // Measured: held out 65.5 % negative (19 of 29), 95.8 % positive; Datafiniti 3 of 4 negative, 93.9 % positive.
        // Before the lexicon the model found 41.4 % of the held-out negatives. The floors leave about two reviews of
        // slack on the negatives (each is 3.4 points) and a few points on the positives, and sit well above the old
        // model's negative recall, so losing the lexicon fails here.
        Assert.True(heldOut.Count(v => !v.Actual) >= 25, "enough negative reviews held out to measure");
        Assert.True((heldPositive + heldNegative) / 2 >= 0.75, $"balanced accuracy held out {(heldPositive + heldNegative) / 2:P1}");
        Assert.True(heldNegative >= 0.55, $"negative recall held out {heldNegative:P1}");
        Assert.True(heldPositive >= 0.90, $"positive recall held out {heldPositive:P1}");
        Assert.True(otherNegative >= 0.75, $"negative recall on Datafiniti {otherNegative:P1}");
        Assert.True(otherPositive >= 0.88, $"positive recall on Datafiniti {otherPositive:P1}");
    }

    /// <summary>Plainly worded English reviews, written for this test and in no training file: the McAuley sample has
    /// 32 negative reviews, none saying "terrible", "waste" or "broke", so a model that only knows their words called
    /// the first of these positive (0.72). Trained on the whole sample, the model must get every one right.</summary>
    [Theory]
    [InlineData("Terrible quality, it broke after one day. Waste of money.", false)]
    [InlineData("Awful. The zipper fell apart the first time I used it. Do not buy.", false)]
    [InlineData("Very disappointed, cheap material and it smells bad. Returning it.", false)]
    [InlineData("Worst purchase ever, completely useless and poorly made.", false)]
    [InlineData("It is not good at all, I hate it.", false)]
    [InlineData("Horrible fit and the colour faded after one wash.", false)]
    [InlineData("Runs way too small for a medium, I had to send them back.", false)]
    [InlineData("The heels are too high and the straps too tight to walk in.", false)]
    [InlineData("Excellent quality, fits perfectly and looks great. Highly recommend!", true)]
    [InlineData("I love these shoes, very comfortable and well made.", true)]
    [InlineData("Great value for the price, my son loves it.", true)]
    [InlineData("Beautiful dress, exactly as pictured. Very happy with it.", true)]
    [InlineData("Works perfectly, arrived fast, would buy again.", true)]
    public void Ml_classifier_gets_plain_english_reviews_right(string text, bool positive)
    {
        var ml = FullModel.Value;
        output.WriteLine($"'{text}': probability positive {ml.Probability(text):F2}");
        Assert.True(ml.IsPositive(text) == positive, $"'{text}': probability positive {ml.Probability(text):F2}, expected {(positive ? "positive" : "negative")}");
    }

    private static readonly Lazy<MlReviewClassifier> FullModel =
        new(() => MlReviewClassifier.Train(RatedReviewReader.ReadJsonLines(SampleData.McAuleyReviews), seed: 42));

    /// <summary>A review the model has nothing to go on for (no word or character run it met in training) is not
    /// positive, as the seed's rule finds no "good" in it: its score was the model's intercept alone, 64 % positive on
    /// the McAuley model, so an empty review counted as a positive one in review_score. Reviews it has learned words of
    /// keep the model's verdict, however long.</summary>
    [Fact]
    public void A_review_with_nothing_the_model_learned_is_not_positive()
    {
        var reviews = RatedReviewReader.ReadJsonLines(SampleData.McAuleyReviews);
        var ml = MlReviewClassifier.Train(reviews, seed: 42);

        output.WriteLine($"no features: probability positive {ml.Probability(""):P0}");
        foreach (var text in new[] { "", " ", "\n\t", "これはひどい映画でした" })
        {
            Assert.False(ml.IsPositive(text), $"'{text}'");
            Assert.False(new SeedRuleClassifier().IsPositive(text));
        }
        var praised = reviews.First(r => r.Positive && ml.IsPositive(r.Text)).Text;
        Assert.True(ml.IsPositive(praised));
        Assert.True(ml.IsPositive(string.Join(' ', Enumerable.Repeat(praised, 2000))));
    }

    private static (double Positive, double Negative) Recall(IReadOnlyList<(bool Predicted, bool Actual)> verdicts) =>
        (verdicts.Count(v => v.Actual && v.Predicted) / (double)verdicts.Count(v => v.Actual),
         verdicts.Count(v => !v.Actual && !v.Predicted) / (double)verdicts.Count(v => !v.Actual));

    [Fact]
    public void Training_needs_both_classes() =>
        Assert.Throws<ArgumentException>(() => MlReviewClassifier.Train([new RatedReview("fine", true)]));
}
