namespace Emporium.Datasets.Values;

/// <summary>Outcome of parsing one textual value.</summary>
public enum ParseStatus
{
    /// <summary>A value was read.</summary>
    Ok,
    /// <summary>No value: empty, whitespace or a null token such as <c>null</c>, <c>None</c>, <c>NaN</c>, <c>N/A</c>.</summary>
    Empty,
    /// <summary>Not a value of the expected type.</summary>
    Invalid,
    /// <summary>A number, but the column needs an integer.</summary>
    NotInteger,
}
