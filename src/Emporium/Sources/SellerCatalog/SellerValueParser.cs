using System.Globalization;
using System.Text.RegularExpressions;

namespace Emporium.Sources.SellerCatalog;

/// <summary>The API's display strings as numbers. Prices: one leading currency sign and thousands commas are dropped
/// (<c>"$1,234.50"</c> → 1234.5), as seed 002 stripped <c>$</c> and <c>,</c>. Sales volume: the number before
/// "bought in past month" with its K/M suffix, a lower bound (<c>"1K+ bought in past month"</c> → 1000).</summary>
public static partial class SellerValueParser
{
    public static bool TryParsePrice(string? text, out double value)
    {
        value = 0;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }
        var s = text.Trim();
        if (s.Length > 0 && s[0] is '$' or '£' or '€')
        {
            s = s[1..];
        }
        return Price().IsMatch(s)
            && double.TryParse(s.Replace(",", "", StringComparison.Ordinal), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out value);
    }

    public static bool TryParseSalesVolume(string? text, out long value)
    {
        value = 0;
        var match = text is null ? null : Volume().Match(text);
        if (match is null || !match.Success)
        {
            return false;
        }
        var number = double.Parse(match.Groups[1].Value.Replace(",", "", StringComparison.Ordinal), CultureInfo.InvariantCulture);
        var multiplier = match.Groups[2].Value.ToUpperInvariant() switch { "K" => 1_000d, "M" => 1_000_000d, _ => 1d };
        value = (long)Math.Round(number * multiplier);
        return true;
    }

    [GeneratedRegex(@"^\d{1,3}(,\d{3})*(\.\d+)?$|^\d+(\.\d+)?$")]
    private static partial Regex Price();

    [GeneratedRegex(@"^\s*(\d+(?:[.,]\d+)?)\s*([KkMm]?)\+?(\s|$)")]
    private static partial Regex Volume();
}
