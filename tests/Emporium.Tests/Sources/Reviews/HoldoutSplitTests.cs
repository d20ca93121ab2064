using Emporium.Sources.Reviews;

namespace Emporium.Tests.Sources.Reviews;

public sealed class HoldoutSplitTests
{
    private sealed class SaysPositive : IReviewClassifier
    {
        public string Name => "always-positive";

        public bool IsPositive(string text) => true;
    }

    private sealed class Contains(string word) : IReviewClassifier
    {
        public string Name => "contains";

        public bool IsPositive(string text) => text.Contains(word, StringComparison.Ordinal);
    }

    /// <summary>Nine in ten rated reviews are positive, so a classifier that says "positive" to everything scores 90 %
    /// accuracy; recall per class shows it finds no negative review at all.</summary>
    [Fact]
    public void Recall_per_class_exposes_what_accuracy_hides()
    {
        var reviews = Enumerable.Range(0, 9).Select(i => new RatedReview($"fine {i}", true))
            .Append(new RatedReview("bad", false)).ToList();

        Assert.Equal(0.9, HoldoutSplit.Accuracy(new SaysPositive(), reviews), 6);
        Assert.Equal((1.0, 0.0), HoldoutSplit.Recall(new SaysPositive(), reviews));

        var fineOnly = new Contains("fine");
        var mixed = reviews.Append(new RatedReview("fine, but broke", false)).Append(new RatedReview("great", true)).ToList();
        var (positive, negative) = HoldoutSplit.Recall(fineOnly, mixed);
        Assert.Equal(9 / 10.0, positive, 6);
        Assert.Equal(1 / 2.0, negative, 6);
    }

    [Fact]
    public void Recall_of_a_class_with_no_review_is_not_a_number()
    {
        var (positive, negative) = HoldoutSplit.Recall(new SaysPositive(), [new RatedReview("fine", true)]);
        Assert.Equal(1.0, positive);
        Assert.True(double.IsNaN(negative));
    }
}
