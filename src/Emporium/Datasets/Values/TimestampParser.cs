using System.Globalization;

namespace Emporium.Datasets.Values;

/// <summary>Timestamps in the shapes the sources use, parsed by hand (no culture, no regex, no allocation). Every
/// result is UTC; a value without a zone is taken as UTC.
/// <list type="bullet">
/// <item>Unix time as a number or digits: seconds (McAuley <c>unixReviewTime</c>); magnitudes ≥ 10^11 are
/// milliseconds (10^11 seconds would be the year 5138). Below 10^8 (1973-03-03) a number is not taken for unix time:
/// such numbers are spreadsheet serial dates (40148), years or counts, and read as seconds they landed silently in
/// 1970.</item>
/// <item>Eight digits that make a date, <c>yyyyMMdd</c> (ISO-8601's basic form, as SAP and database exports write
/// it): <c>20101201</c> is that day, not unix second 20,101,201.</item>
/// <item>Year first, ISO-8601 style: <c>2017-06-03T00:00:00.000Z</c>, <c>2017-07-03T23:33:15Z</c>,
/// <c>2010-12-01 08:26:00</c>, <c>2010-12-01</c>, <c>2023/12/31</c>, with optional fraction and <c>Z</c> or
/// <c>±HH:mm</c> offset (converted to UTC).</item>
/// <item>Slash dates with the year last, read day first or month first as the column says
/// (<see cref="SlashDateOrder"/>): seed <c>31/12/2023 00:00</c> (day first), UCI <c>12/1/2010 8:26</c> (month first);
/// optional <c>:ss</c> and <c>AM</c>/<c>PM</c>.</item>
/// <item>McAuley <c>reviewTime</c> <c>09 4, 2015</c>: always month, day, year.</item>
/// </list></summary>
public static class TimestampParser
{
    private const double MillisecondThreshold = 1e11;
    private const double MinUnixSeconds = -62135596800; // 0001-01-01
    private const double MaxUnixSeconds = 253402300799; // 9999-12-31T23:59:59
    private const double MinPlausibleUnixSeconds = 1e8; // 1973-03-03T09:46:40Z

    public static ParseStatus TryParse(ReadOnlySpan<char> text, SlashDateOrder slashOrder, out DateTime value)
    {
        value = default;
        var s = text.Trim();
        if (NullTokens.IsNull(s))
        {
            return ParseStatus.Empty;
        }
        if (s.Length == 8 && BasicDate(s, out value))
        {
            return ParseStatus.Ok;
        }
        if (LooksNumeric(s))
        {
            return double.TryParse(s, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var unix)
                ? FromUnix(unix, out value)
                : ParseStatus.Invalid;
        }
        var c = new Cursor(s);
        bool ok;
        if (s.Length >= 5 && char.IsAsciiDigit(s[0]) && char.IsAsciiDigit(s[1]) && char.IsAsciiDigit(s[2]) && char.IsAsciiDigit(s[3]) && s[4] is '-' or '/')
        {
            ok = YearFirst(ref c, out value);
        }
        else if (s.IndexOf('/') >= 0)
        {
            ok = YearLast(ref c, slashOrder, out value);
        }
        else
        {
            ok = MonthDayCommaYear(ref c, out value);
        }
        return ok ? ParseStatus.Ok : ParseStatus.Invalid;
    }

    /// <summary>Unix seconds (or milliseconds, see the class remarks) to UTC.</summary>
    public static ParseStatus FromUnix(double unix, out DateTime value)
    {
        value = default;
        if (!double.IsFinite(unix))
        {
            return ParseStatus.Invalid;
        }
        var seconds = Math.Abs(unix) >= MillisecondThreshold ? unix / 1000 : unix;
        if (Math.Abs(seconds) < MinPlausibleUnixSeconds || seconds < MinUnixSeconds || seconds > MaxUnixSeconds)
        {
            return ParseStatus.Invalid;
        }
        value = DateTime.UnixEpoch.AddTicks((long)Math.Round(seconds * TimeSpan.TicksPerSecond));
        return ParseStatus.Ok;
    }

    /// <summary><c>yyyyMMdd</c> with a year from 1900 to 2099 and a real month and day.</summary>
    private static bool BasicDate(ReadOnlySpan<char> s, out DateTime value)
    {
        value = default;
        foreach (var ch in s)
        {
            if (!char.IsAsciiDigit(ch))
            {
                return false;
            }
        }
        var year = int.Parse(s[..4], CultureInfo.InvariantCulture);
        var month = int.Parse(s[4..6], CultureInfo.InvariantCulture);
        var day = int.Parse(s[6..], CultureInfo.InvariantCulture);
        if (year is < 1900 or > 2099 || month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month))
        {
            return false;
        }
        value = new DateTime(year, month, day, 0, 0, 0, DateTimeKind.Utc);
        return true;
    }

    /// <summary>How the accepted shapes are described in error messages.</summary>
    public static string Describe(SlashDateOrder order) => order == SlashDateOrder.DayFirst
        ? "ISO-8601 or yyyyMMdd, unix seconds from 1973, d/M/yyyy [H:mm] (day first) or \"MM d, yyyy\""
        : "ISO-8601 or yyyyMMdd, unix seconds from 1973, M/d/yyyy [H:mm] (month first) or \"MM d, yyyy\"";

    private static bool LooksNumeric(ReadOnlySpan<char> s)
    {
        var i = s[0] is '-' or '+' ? 1 : 0;
        if (i >= s.Length)
        {
            return false;
        }
        var dots = 0;
        for (; i < s.Length; i++)
        {
            if (s[i] == '.')
            {
                dots++;
            }
            else if (!char.IsAsciiDigit(s[i]))
            {
                return false;
            }
        }
        return dots <= 1;
    }

    private static bool YearFirst(ref Cursor c, out DateTime value)
    {
        value = default;
        var separator = c.Peek(4);
        if (!c.Number(4, 4, out var year) || !c.Expect(separator) || !c.Number(1, 2, out var month) || !c.Expect(separator)
            || !c.Number(1, 2, out var day))
        {
            return false;
        }
        return Finish(ref c, year, month, day, out value);
    }

    private static bool YearLast(ref Cursor c, SlashDateOrder order, out DateTime value)
    {
        value = default;
        if (!c.Number(1, 2, out var first) || !c.Expect('/') || !c.Number(1, 2, out var second) || !c.Expect('/') || !c.Number(4, 4, out var year))
        {
            return false;
        }
        var (day, month) = order == SlashDateOrder.DayFirst ? (first, second) : (second, first);
        return Finish(ref c, year, month, day, out value);
    }

    private static bool MonthDayCommaYear(ref Cursor c, out DateTime value)
    {
        value = default;
        if (!c.Number(1, 2, out var month) || !c.Expect(' ') || !c.Number(1, 2, out var day) || !c.Expect(',') || !c.SkipSpaces()
            || !c.Number(4, 4, out var year))
        {
            return false;
        }
        return Finish(ref c, year, month, day, out value);
    }

    /// <summary>Reads the optional time and zone after the date and builds the UTC instant.</summary>
    private static bool Finish(ref Cursor c, int year, int month, int day, out DateTime value)
    {
        value = default;
        if (month is < 1 or > 12 || day < 1 || year < 1 || day > DateTime.DaysInMonth(year, month))
        {
            return false;
        }
        int hour = 0, minute = 0, second = 0;
        long fractionTicks = 0;
        var offsetMinutes = 0;
        if (!c.AtEnd)
        {
            if (c.Peek(0) == 'T' || c.Peek(0) == 't')
            {
                c.Advance(1);
            }
            else if (!c.SkipSpaces())
            {
                return false;
            }
            if (!c.Number(1, 2, out hour) || !c.Expect(':') || !c.Number(2, 2, out minute))
            {
                return false;
            }
            if (c.Peek(0) == ':')
            {
                c.Advance(1);
                if (!c.Number(2, 2, out second))
                {
                    return false;
                }
                if (c.Peek(0) == '.' && !c.Fraction(out fractionTicks))
                {
                    return false;
                }
            }
            if (!AmPm(ref c, ref hour) || !Zone(ref c, out offsetMinutes) || !c.AtEnd)
            {
                return false;
            }
        }
        if (hour > 23 || minute > 59 || second > 59)
        {
            return false;
        }
        var local = new DateTime(year, month, day, hour, minute, second, DateTimeKind.Utc).AddTicks(fractionTicks);
        value = local.AddMinutes(-offsetMinutes);
        return true;
    }

    private static bool AmPm(ref Cursor c, ref int hour)
    {
        var save = c;
        c.SkipSpaces();
        var a = char.ToUpperInvariant(c.Peek(0));
        if ((a == 'A' || a == 'P') && char.ToUpperInvariant(c.Peek(1)) == 'M')
        {
            if (hour is < 1 or > 12)
            {
                return false;
            }
            hour = hour % 12 + (a == 'P' ? 12 : 0);
            c.Advance(2);
            return true;
        }
        c = save;
        return true;
    }

    private static bool Zone(ref Cursor c, out int offsetMinutes)
    {
        offsetMinutes = 0;
        var save = c;
        c.SkipSpaces();
        var z = c.Peek(0);
        if (z is 'Z' or 'z')
        {
            c.Advance(1);
            return true;
        }
        if (z is '+' or '-')
        {
            c.Advance(1);
            if (!c.Digits(2, out var hours))
            {
                return false;
            }
            var minutes = 0;
            if (c.Peek(0) == ':')
            {
                c.Advance(1);
            }
            if (!c.AtEnd && !c.Digits(2, out minutes))
            {
                return false;
            }
            if (hours > 14 || minutes > 59)
            {
                return false;
            }
            offsetMinutes = (hours * 60 + minutes) * (z == '-' ? -1 : 1);
            return true;
        }
        c = save;
        return true;
    }

    /// <summary>A forward-only reader over the value.</summary>
    private ref struct Cursor(ReadOnlySpan<char> text)
    {
        private readonly ReadOnlySpan<char> _text = text;
        private int _at;

        public readonly bool AtEnd => _at >= _text.Length;

        public readonly char Peek(int ahead) => _at + ahead < _text.Length ? _text[_at + ahead] : '\0';

        public void Advance(int count) => _at += count;

        public bool Expect(char expected)
        {
            if (Peek(0) != expected)
            {
                return false;
            }
            _at++;
            return true;
        }

        /// <summary>Skips at least one space; false when there was none.</summary>
        public bool SkipSpaces()
        {
            var start = _at;
            while (_at < _text.Length && _text[_at] == ' ')
            {
                _at++;
            }
            return _at > start;
        }

        public bool Number(int minDigits, int maxDigits, out int value)
        {
            value = 0;
            var digits = 0;
            while (digits < maxDigits && _at < _text.Length && char.IsAsciiDigit(_text[_at]))
            {
                value = value * 10 + (_text[_at] - '0');
                _at++;
                digits++;
            }
            return digits >= minDigits && (_at >= _text.Length || !char.IsAsciiDigit(_text[_at]));
        }

        /// <summary>Exactly <paramref name="count"/> digits, whatever follows (offsets like <c>-0500</c>).</summary>
        public bool Digits(int count, out int value)
        {
            value = 0;
            for (var i = 0; i < count; i++)
            {
                if (_at >= _text.Length || !char.IsAsciiDigit(_text[_at]))
                {
                    return false;
                }
                value = value * 10 + (_text[_at] - '0');
                _at++;
            }
            return true;
        }

        /// <summary>A '.' and 1–7+ digits of fraction (digits past 100 ns are dropped).</summary>
        public bool Fraction(out long ticks)
        {
            ticks = 0;
            _at++; // '.'
            var digits = 0;
            var scale = TimeSpan.TicksPerSecond;
            while (_at < _text.Length && char.IsAsciiDigit(_text[_at]))
            {
                scale /= 10;
                ticks += (_text[_at] - '0') * scale;
                _at++;
                digits++;
            }
            return digits > 0;
        }
    }
}
