using Cronos;

namespace Emporium.Orchestration;

/// <summary>When a DAG runs: a cron expression or macro (<c>@daily</c>, <c>@hourly</c>, <c>@weekly</c>… via Cronos),
/// <c>@once</c>, or none (manual runs only). A cron fires in UTC, or in the time zone given with it (wall-clock times
/// across DST changes: a time the clocks skip fires at the moment they skip to, a time they repeat fires once, at the
/// first); logical dates are always UTC instants. A run's logical date is the START of the interval it
/// covers and the run starts after the interval ENDS (Airflow semantics): the <c>@daily</c> run for ds=2024-01-01
/// covers [2024-01-01, 2024-01-02) and starts at 2024-01-02T00:00Z.</summary>
public sealed class DagSchedule
{
    private readonly CronExpression? cron;
    private readonly TimeZoneInfo zone;

    private DagSchedule(string text, CronExpression? cron, bool once, TimeZoneInfo? zone = null)
    {
        this.zone = zone ?? TimeZoneInfo.Utc;
        Text = this.zone.HasSameRules(TimeZoneInfo.Utc) ? text : $"{text} ({this.zone.Id})";
        this.cron = cron;
        IsOnce = once;
    }

    public static DagSchedule None { get; } = new("none", null, once: false);

    public static DagSchedule Once { get; } = new("@once", null, once: true);

    /// <summary>The expression as written (<c>none</c> for manual-only), followed by its time zone in brackets when it
    /// has one other than UTC.</summary>
    public string Text { get; }

    public bool IsOnce { get; }

    public bool IsCron => cron is not null;

    /// <summary>The time zone the cron fires in (UTC unless given).</summary>
    public TimeZoneInfo TimeZone => zone;

    /// <param name="timeZone">An IANA time zone (<c>Europe/Berlin</c>) the cron's times are read in; null for UTC.</param>
    public static DagSchedule Parse(string? text, string? timeZone = null)
    {
        var value = text?.Trim();
        var manual = string.IsNullOrEmpty(value) || value.Equals("none", StringComparison.OrdinalIgnoreCase);
        if (timeZone is not null && (manual || value!.Equals("@once", StringComparison.OrdinalIgnoreCase)))
        {
            throw new FormatException($"schedule '{(manual ? "none" : value)}' takes no time zone (only a cron schedule does), got '{timeZone}'");
        }
        if (manual)
        {
            return None;
        }
        if (value!.Equals("@once", StringComparison.OrdinalIgnoreCase))
        {
            return Once;
        }
        var fields = value.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length;
        var format = fields == 6 ? CronFormat.IncludeSeconds : CronFormat.Standard;
        if (!CronExpression.TryParse(value, format, out var expression))
        {
            throw new FormatException($"schedule '{value}' is not a cron expression (5 or 6 fields), a macro (@daily, @hourly, @weekly, @monthly, @yearly), @once or none");
        }
        if (expression.GetNextOccurrence(DateTime.UnixEpoch, inclusive: true) is null)
        {
            // A day no month has (30 2, 31 4): accepted, the DAG would never run and nothing would say why.
            throw new FormatException($"schedule '{value}' never fires");
        }
        return new DagSchedule(value, expression, once: false, timeZone is null ? null : FindZone(timeZone));
    }

    private static TimeZoneInfo FindZone(string id)
    {
        try
        {
            return TimeZoneInfo.FindSystemTimeZoneById(id.Trim());
        }
        catch (Exception ex) when (ex is TimeZoneNotFoundException or InvalidTimeZoneException or ArgumentException)
        {
            throw new FormatException($"time zone '{id}' is not known (an IANA name such as Europe/Berlin, or UTC)");
        }
    }

    /// <summary>First interval start at or after <paramref name="utc"/>; null for @once/none or a cron that never fires.</summary>
    public DateTime? FirstAtOrAfter(DateTime utc) => cron?.GetNextOccurrence(Utc(utc), zone, inclusive: true);

    /// <summary>Next interval boundary strictly after <paramref name="utc"/>.</summary>
    public DateTime? NextAfter(DateTime utc) => cron?.GetNextOccurrence(Utc(utc), zone, inclusive: false);

    /// <summary>When the interval starting at <paramref name="logicalDate"/> ends: the next cron occurrence, or the next
    /// day for schedules without one (as <see cref="LogicalDatesBetween"/> counts their days).</summary>
    public DateTime IntervalEnd(DateTime logicalDate) =>
        NextAfter(logicalDate) ?? DateTime.SpecifyKind(Utc(logicalDate).Date.AddDays(1), DateTimeKind.Utc);

    /// <summary>The logical date a run asked for without one covers: for a cron schedule the latest interval that has
    /// ended at <paramref name="utc"/> (yesterday for <c>@daily</c>, as Airflow infers a manual run's interval), so it
    /// reads whole data and the scheduler's run of the interval under way is not pre-empted; without one, today.</summary>
    public DateTime DefaultLogicalDate(DateTime utc) =>
        LatestEndedIntervalStart(utc) ?? DateTime.SpecifyKind(Utc(utc).Date, DateTimeKind.Utc);

    /// <summary>The start of the latest cron interval that has ended at <paramref name="utc"/> (within eight years); null
    /// without a cron or when none has.</summary>
    public DateTime? LatestEndedIntervalStart(DateTime utc)
    {
        if (cron is null)
        {
            return null;
        }
        var now = Utc(utc);
        // Cronos walks forwards only: widen a window back from now until it holds the two boundaries that close the
        // latest ended interval (its start, then its end at or before now). The window starts small: a schedule that
        // fires every second has 86,400 boundaries a day.
        for (var back = TimeSpan.FromSeconds(2); back <= TimeSpan.FromDays(366 * 8); back *= 2)
        {
            var boundaries = cron.GetOccurrences(now - back, now, zone, fromInclusive: true, toInclusive: true).TakeLast(2).ToList();
            if (boundaries.Count == 2)
            {
                return boundaries[0];
            }
        }
        return null;
    }

    /// <summary>The run a date names: a day (midnight) on which a cron schedule fires once, not at midnight, names that
    /// occurrence (<c>--date 2024-03-10</c> of a <c>30 2 * * *</c> DAG is its run at 02:30, which it has to be: a run at
    /// midnight beside it would cover [00:00, 02:30) and write the same <c>ds</c>). Any other date is taken as it is.</summary>
    public DateTime RunOn(DateTime logicalDate)
    {
        var at = Utc(logicalDate);
        if (cron is null || at.TimeOfDay != TimeSpan.Zero)
        {
            return at;
        }
        var occurrences = cron.GetOccurrences(at, at.AddDays(1), zone, fromInclusive: true, toInclusive: false).Take(2).ToList();
        return occurrences.Count == 1 ? occurrences[0] : at;
    }

    /// <summary>Logical dates (interval starts) in [from, to) — for cron, the occurrences; otherwise one per day.</summary>
    public IEnumerable<DateTime> LogicalDatesBetween(DateTime fromUtc, DateTime toUtc)
    {
        if (cron is not null)
        {
            return cron.GetOccurrences(Utc(fromUtc), Utc(toUtc), zone, fromInclusive: true, toInclusive: false);
        }
        return Days(Utc(fromUtc), Utc(toUtc));
    }

    public override string ToString() => Text;

    private static IEnumerable<DateTime> Days(DateTime from, DateTime to)
    {
        for (var day = from.Date; day < to; day = day.AddDays(1))
        {
            if (day >= from)
            {
                yield return DateTime.SpecifyKind(day, DateTimeKind.Utc);
            }
        }
    }

    private static DateTime Utc(DateTime value) => value.Kind switch
    {
        DateTimeKind.Utc => value,
        DateTimeKind.Local => value.ToUniversalTime(),
        _ => DateTime.SpecifyKind(value, DateTimeKind.Utc),
    };
}
