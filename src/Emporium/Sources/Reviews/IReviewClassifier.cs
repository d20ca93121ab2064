namespace Emporium.Sources.Reviews;

/// <summary>Decides whether a free-text review is positive.</summary>
public interface IReviewClassifier
{
    /// <summary>Short name used in docs and stage files, e.g. "seed-rule" or "mlnet-sdca".</summary>
    string Name { get; }

    bool IsPositive(string text);
}
