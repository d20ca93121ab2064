namespace Emporium.Sources.Reviews;

/// <summary>Seed 004's rule, kept as the baseline: lower-case, split on whitespace, drop English stop words, and call
/// the review positive when any remaining token is exactly <c>good</c> ("good." or "great" do not count — that is the
/// rule's weakness the ML model is measured against).</summary>
public sealed class SeedRuleClassifier : IReviewClassifier
{
    public string Name => "seed-rule";

    public bool IsPositive(string text) =>
        text.ToLowerInvariant()
            .Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)
            .Where(token => !EnglishStopWords.Words.Contains(token))
            .Any(token => token == "good");
}
