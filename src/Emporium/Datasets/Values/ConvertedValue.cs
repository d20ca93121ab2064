namespace Emporium.Datasets.Values;

/// <summary>One input value converted for its column: a value, nothing (empty or a null token), or an error.</summary>
public readonly record struct ConvertedValue(object? Value, string? Error)
{
    public static ConvertedValue Empty => default;

    public bool IsEmpty => Value is null && Error is null;

    public static ConvertedValue Of(object value) => new(value, null);

    public static ConvertedValue Fail(string error) => new(null, error);
}
