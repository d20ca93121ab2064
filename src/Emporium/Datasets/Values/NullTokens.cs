namespace Emporium.Datasets.Values;

/// <summary>Text that means "no value" in the sources: empty CSV cells, and what pandas, Python and spreadsheets write
/// for missing values. Only used for typed (non-text) columns: a product titled "None" stays a title.</summary>
public static class NullTokens
{
    public static bool IsNull(ReadOnlySpan<char> trimmed) =>
        trimmed.Length == 0
        || trimmed.Equals("null", StringComparison.OrdinalIgnoreCase)
        || trimmed.Equals("none", StringComparison.OrdinalIgnoreCase)
        || trimmed.Equals("nan", StringComparison.OrdinalIgnoreCase)
        || trimmed.Equals("n/a", StringComparison.OrdinalIgnoreCase)
        || trimmed.Equals("na", StringComparison.OrdinalIgnoreCase)
        || trimmed.Equals("nat", StringComparison.OrdinalIgnoreCase);
}
