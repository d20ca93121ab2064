namespace Emporium.Datasets.Values;

/// <summary>One input value converted for its column: a value, nothing (empty or a null token), or an error.</summary>
public readonly record struct ConvertedValue(object? Value, string? Error)
{
    public static ConvertedValue Empty => default;

    public bool IsEmpty => Value is null && Error is null;

    /// <summary>For an empty value of a required column: the text sent that means no value (<c>"N/A"</c>, quoted as
    /// errors show values), so its error says what was sent, not that nothing was.</summary>
    public string? SentAsNoValue { get; init; }

    public static ConvertedValue Of(object value) => new(value, null);

    public static ConvertedValue Fail(string error) => new(null, error);
}
