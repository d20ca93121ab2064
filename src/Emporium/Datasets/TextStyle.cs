namespace Emporium.Datasets;

/// <summary>How a text column is cleaned. Every style turns an empty or whitespace-only value into null.</summary>
public enum TextStyle
{
    /// <summary>Leading and trailing whitespace removed (identifiers, codes, names, URLs).</summary>
    Trim,
    /// <summary>Kept exactly as given (free text, where the source's own spacing is data).</summary>
    Verbatim,
    /// <summary>Trimmed and lower-cased with invariant rules (grouping keys such as country).</summary>
    TrimLower,
}
