namespace Emporium.Sources.Reviews;

/// <summary>A review text with a sentiment label derived from its star rating.</summary>
public sealed record RatedReview(string Text, bool Positive);
