using System.IO.Hashing;
using System.Text;

namespace Emporium.Sources.Reviews;

/// <summary>A deterministic train/test split: a review goes to the test side when the seeded hash of its text falls
/// in the first <c>testPercent</c> buckets. Independent of file order, so the same review is always on the same side.</summary>
public static class HoldoutSplit
{
    public static (IReadOnlyList<RatedReview> Train, IReadOnlyList<RatedReview> Test) Split(
        IEnumerable<RatedReview> reviews, int testPercent = 25, long seed = 42)
    {
        var train = new List<RatedReview>();
        var test = new List<RatedReview>();
        foreach (var review in reviews)
        {
            var bucket = XxHash64.HashToUInt64(Encoding.UTF8.GetBytes(review.Text), seed) % 100;
            (bucket < (ulong)testPercent ? test : train).Add(review);
        }
        return (train, test);
    }

    /// <summary>Share of reviews the classifier labels as their rating says.</summary>
    public static double Accuracy(IReviewClassifier classifier, IReadOnlyList<RatedReview> reviews) =>
        reviews.Count == 0 ? double.NaN : reviews.Count(r => classifier.IsPositive(r.Text) == r.Positive) / (double)reviews.Count;

    /// <summary>Share of the positive reviews the classifier calls positive and of the negative ones it calls negative
    /// (NaN for a class with no review). Rated reviews are about nine in ten positive, so accuracy alone rewards saying
    /// "positive" to everything; the negative recall shows whether the model finds complaints at all.</summary>
    public static (double Positive, double Negative) Recall(IReviewClassifier classifier, IReadOnlyList<RatedReview> reviews)
    {
        int positives = 0, negatives = 0, positiveHits = 0, negativeHits = 0;
        foreach (var review in reviews)
        {
            var verdict = classifier.IsPositive(review.Text);
            if (review.Positive)
            {
                positives++;
                positiveHits += verdict ? 1 : 0;
            }
            else
            {
                negatives++;
                negativeHits += verdict ? 0 : 1;
            }
        }
        return (positives == 0 ? double.NaN : positiveHits / (double)positives,
            negatives == 0 ? double.NaN : negativeHits / (double)negatives);
    }
}
