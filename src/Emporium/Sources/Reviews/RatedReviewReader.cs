using System.Text.Json;

namespace Emporium.Sources.Reviews;

/// <summary>Reads rated reviews (McAuley JSON lines: <c>overall</c>, <c>reviewText</c>) as training data: rating ≥ 4 is
/// positive, ≤ 2 negative, 3 is dropped as neither. Only the review body is used — the <c>summary</c> is often the
/// site-generated "Five Stars", which would leak the label. Identical texts are kept once: the 5-core file repeats
/// one review per product variant, and a text on both sides of a train/test split would inflate accuracy.</summary>
public static class RatedReviewReader
{
    public static IReadOnlyList<RatedReview> ReadJsonLines(string path)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var reviews = new List<RatedReview>();
        foreach (var line in File.ReadLines(path))
        {
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }
            using var doc = JsonDocument.Parse(line);
            var root = doc.RootElement;
            if (!root.TryGetProperty("overall", out var overall) || overall.ValueKind != JsonValueKind.Number
                || !root.TryGetProperty("reviewText", out var textElement) || textElement.ValueKind != JsonValueKind.String)
            {
                continue;
            }
            var rating = overall.GetDouble();
            var text = textElement.GetString()!.Trim();
            if (rating is > 2 and < 4 || text.Length == 0 || !seen.Add(text))
            {
                continue;
            }
            reviews.Add(new RatedReview(text, rating >= 4));
        }
        return reviews;
    }
}
