namespace Emporium.Datasets;

/// <summary>Outcome of normalizing one input record: either a record or the reasons it was rejected.</summary>
public sealed record NormalizeResult(CanonicalRecord? Record, IReadOnlyList<FieldError> Errors)
{
    public bool IsValid => Record is not null;

    public static NormalizeResult Ok(CanonicalRecord record) => new(record, []);

    public static NormalizeResult Fail(params FieldError[] errors) => new(null, errors);
}
