using System.Globalization;

namespace Emporium.Datasets.Values;

/// <summary>Numbers written as text, culture-free: '.' is the only decimal separator; ',' is accepted only as a
/// thousands separator in groups of three (<c>1,234.50</c>), so a European <c>1,5</c> is rejected rather than read as
/// 15; one leading currency sign (<c>$</c>, <c>£</c>, <c>€</c>) is dropped, as seed 002 stripped <c>$</c> and <c>,</c>.
/// Parses spans without allocating.</summary>
public static class NumberParser
{
    private const int StackLimit = 64;

    public static ParseStatus TryParseDouble(ReadOnlySpan<char> text, out double value)
    {
        value = 0;
        var s = text.Trim();
        if (NullTokens.IsNull(s))
        {
            return ParseStatus.Empty;
        }
        if (s.Length > StackLimit)
        {
            return ParseStatus.Invalid;
        }
        Span<char> buffer = stackalloc char[StackLimit];
        var n = Clean(s, buffer);
        if (n < 0 || !double.TryParse(buffer[..n], NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint | NumberStyles.AllowExponent,
                CultureInfo.InvariantCulture, out value) || !double.IsFinite(value))
        {
            return ParseStatus.Invalid;
        }
        return ParseStatus.Ok;
    }

    /// <summary>An integer; <c>17850.0</c> is 17850 (pandas writes integer columns with gaps as floats), <c>4.5</c> is
    /// <see cref="ParseStatus.NotInteger"/>.</summary>
    public static ParseStatus TryParseInteger(ReadOnlySpan<char> text, NumberFormat format, out long value)
    {
        value = 0;
        var s = text.Trim();
        if (NullTokens.IsNull(s))
        {
            return ParseStatus.Empty;
        }
        if (s.Length <= StackLimit)
        {
            Span<char> buffer = stackalloc char[StackLimit];
            var n = Clean(s, buffer);
            if (n > 0)
            {
                if (long.TryParse(buffer[..n], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value))
                {
                    return ParseStatus.Ok;
                }
                if (double.TryParse(buffer[..n], NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint | NumberStyles.AllowExponent,
                        CultureInfo.InvariantCulture, out var d) && double.IsFinite(d))
                {
                    return FromDouble(d, out value);
                }
            }
        }
        return format == NumberFormat.ApproximateCount ? TryParseApproximateCount(s, out value) : ParseStatus.Invalid;
    }

    /// <summary>A JSON or text number that must be a whole number within the 64-bit range.</summary>
    public static ParseStatus FromDouble(double d, out long value)
    {
        value = 0;
        if (!double.IsFinite(d) || Math.Floor(d) != d || d < -9.2e18 || d > 9.2e18)
        {
            return ParseStatus.NotInteger;
        }
        value = (long)d;
        return ParseStatus.Ok;
    }

    /// <summary><c>1K+ bought in past month</c> → 1000, <c>2.5M</c> → 2500000, <c>50+</c> → 50.</summary>
    private static ParseStatus TryParseApproximateCount(ReadOnlySpan<char> s, out long value)
    {
        value = 0;
        var end = 0;
        while (end < s.Length && (char.IsAsciiDigit(s[end]) || s[end] is '.' or ','))
        {
            end++;
        }
        if (end == 0 || TryParseDouble(s[..end], out var number) != ParseStatus.Ok)
        {
            return ParseStatus.Invalid;
        }
        var rest = s[end..];
        var multiplier = 1d;
        if (rest.Length > 0 && char.ToUpperInvariant(rest[0]) is 'K' or 'M' or 'B')
        {
            multiplier = char.ToUpperInvariant(rest[0]) switch { 'K' => 1e3, 'M' => 1e6, _ => 1e9 };
            rest = rest[1..];
        }
        if (rest.Length > 0 && rest[0] == '+')
        {
            rest = rest[1..];
        }
        if (rest.Length > 0 && !char.IsWhiteSpace(rest[0]))
        {
            return ParseStatus.Invalid;
        }
        return FromDouble(Math.Round(number * multiplier), out value);
    }

    /// <summary>Copies the number without currency sign and thousands separators; -1 when the shape is wrong.</summary>
    private static int Clean(ReadOnlySpan<char> s, Span<char> destination)
    {
        var n = 0;
        var i = 0;
        if (i < s.Length && s[i] is '-' or '+')
        {
            destination[n++] = s[i++];
        }
        if (i < s.Length && s[i] is '$' or '£' or '€')
        {
            i++;
            if (n == 0 && i < s.Length && s[i] is '-' or '+')
            {
                destination[n++] = s[i++];
            }
        }
        var digitsBeforeComma = 0;
        var seenDecimalPoint = false;
        for (; i < s.Length; i++)
        {
            var c = s[i];
            if (c == ',')
            {
                // A thousands separator needs a digit before it and exactly three digits after it.
                if (seenDecimalPoint || digitsBeforeComma == 0 || !GroupOfThree(s, i + 1))
                {
                    return -1;
                }
                digitsBeforeComma = 0;
                continue;
            }
            if (c == '.')
            {
                seenDecimalPoint = true;
            }
            else if (char.IsAsciiDigit(c))
            {
                digitsBeforeComma++;
            }
            destination[n++] = c;
        }
        return n;
    }

    private static bool GroupOfThree(ReadOnlySpan<char> s, int start) =>
        start + 3 <= s.Length
        && char.IsAsciiDigit(s[start]) && char.IsAsciiDigit(s[start + 1]) && char.IsAsciiDigit(s[start + 2])
        && (start + 3 == s.Length || !char.IsAsciiDigit(s[start + 3]));
}
