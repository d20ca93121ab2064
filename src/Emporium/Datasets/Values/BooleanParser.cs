namespace Emporium.Datasets.Values;

/// <summary>Booleans as the sources write them: JSON <c>true</c>, Python's <c>True</c>/<c>False</c>, spreadsheet
/// <c>TRUE</c>/<c>FALSE</c>, and <c>1</c>/<c>0</c>, <c>yes</c>/<c>no</c>, <c>t</c>/<c>f</c>, <c>y</c>/<c>n</c>, any case.</summary>
public static class BooleanParser
{
    public static ParseStatus TryParse(ReadOnlySpan<char> text, out bool value)
    {
        var s = text.Trim();
        value = false;
        if (NullTokens.IsNull(s))
        {
            return ParseStatus.Empty;
        }
        if (Is(s, "true") || Is(s, "1") || Is(s, "yes") || Is(s, "t") || Is(s, "y"))
        {
            value = true;
            return ParseStatus.Ok;
        }
        return Is(s, "false") || Is(s, "0") || Is(s, "no") || Is(s, "f") || Is(s, "n") ? ParseStatus.Ok : ParseStatus.Invalid;
    }

    private static bool Is(ReadOnlySpan<char> s, string word) => s.Equals(word, StringComparison.OrdinalIgnoreCase);
}
