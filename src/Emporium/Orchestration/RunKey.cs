using System.Globalization;

namespace Emporium.Orchestration;

/// <summary>Identifies a DAG run: the DAG and its logical date (UTC). The engine keeps at most one active run per key,
/// and re-running a key replaces that run's results rather than adding a second run.</summary>
public readonly record struct RunKey(string Dag, DateTime LogicalDate)
{
    /// <summary>The logical date's day, <c>yyyy-MM-dd</c> — what tasks put in lake paths (<c>stage/&lt;name&gt;/ds=…</c>).</summary>
    public string Ds => LogicalDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    /// <summary>The key as it appears in URLs and the CLI: the day for midnight logical dates, ISO-8601 otherwise.</summary>
    public string DateText => LogicalDate.TimeOfDay == TimeSpan.Zero
        ? Ds
        : LogicalDate.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);

    public override string ToString() => $"{Dag}@{DateText}";

    private static readonly string[] IsoFormats = ["yyyy-MM-dd'T'HH:mmK", "yyyy-MM-dd'T'HH:mm:ssK", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFK"];

    /// <summary>Parse <c>yyyy-MM-dd</c> or an ISO-8601 date-time (taken as UTC).</summary>
    public static DateTime ParseDate(string text)
    {
        if (DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
        {
            return day.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);
        }
        if (DateTimeOffset.TryParseExact(text, IsoFormats, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var at))
        {
            return DateTime.SpecifyKind(at.UtcDateTime, DateTimeKind.Utc);
        }
        throw new FormatException($"date '{text}' is not YYYY-MM-DD or an ISO-8601 date-time");
    }
}
