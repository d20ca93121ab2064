namespace Emporium.Datasets;

/// <summary>Why one input field could not be accepted. <paramref name="Field"/> is the input's own field name
/// (or the canonical name when the field is missing).</summary>
public sealed record FieldError(string Field, string Error);
