using System.Globalization;
using System.Text;

namespace Emporium.Warehouse;

/// <summary>The text of temporal values that have no plain CLR or JSON form, the same from every engine.</summary>
public static class TemporalText
{
    /// <summary>An infinite date or timestamp, as both engines spell it in SQL.</summary>
    public static string Infinity(bool positive) => positive ? "infinity" : "-infinity";

    /// <summary>An interval as an ISO 8601 duration, as PostgreSQL's <c>intervalstyle = iso_8601</c> writes it: each part
    /// signed on its own (<c>P1Y2M3DT4H5M6.5S</c>, <c>P-1D</c>, <c>PT0S</c>). Months and days are kept apart from the
    /// time (a month is not a fixed number of days), which a <see cref="TimeSpan"/> cannot hold.</summary>
    public static string IsoDuration(int months, int days, long micros)
    {
        var text = new StringBuilder("P");
        Part(text, months / 12, 'Y');
        Part(text, months % 12, 'M');
        Part(text, days, 'D');
        if (micros != 0)
        {
            text.Append('T');
            var hours = micros / 3_600_000_000L;
            var minutes = micros % 3_600_000_000L / 60_000_000L;
            var rest = micros % 60_000_000L;
            Part(text, hours, 'H');
            Part(text, minutes, 'M');
            if (rest != 0)
            {
                text.Append((rest / 1_000_000m).ToString("0.######", CultureInfo.InvariantCulture)).Append('S');
            }
        }
        return text.Length == 1 ? "PT0S" : text.ToString();
    }

    /// <summary>A time of day with its UTC offset (<c>10:00:00+02:00</c>), not a date-time on day one.</summary>
    public static string TimeWithOffset(TimeSpan time, TimeSpan offset) =>
        TimeOnly.FromTimeSpan(time).ToString("HH:mm:ss.FFFFFF", CultureInfo.InvariantCulture)
        + (offset < TimeSpan.Zero ? "-" : "+") + offset.Duration().ToString(@"hh\:mm", CultureInfo.InvariantCulture);

    private static void Part(StringBuilder text, long value, char unit)
    {
        if (value != 0)
        {
            text.Append(value.ToString(CultureInfo.InvariantCulture)).Append(unit);
        }
    }
}
