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
}
