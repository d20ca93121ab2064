using Emporium.Orchestration;

namespace Emporium.Tests.Orchestration;

public class DagScheduleTests
{
    /// <summary>A run asked for without a date covers the latest interval whole at that moment (Airflow's inferred manual
    /// interval), not the one under way; a DAG without a cron schedule has no interval, so it gets today.</summary>
    [Theory]
    [InlineData("@daily", "2024-01-10T05:30:00Z", "2024-01-09T00:00:00Z")]
    [InlineData("@daily", "2024-01-10T00:00:00Z", "2024-01-09T00:00:00Z")]
    [InlineData("@hourly", "2024-01-10T05:30:00Z", "2024-01-10T04:00:00Z")]
    [InlineData("30 6 * * *", "2024-01-10T05:30:00Z", "2024-01-08T06:30:00Z")]
    [InlineData("@weekly", "2024-01-10T05:30:00Z", "2023-12-31T00:00:00Z")]
    [InlineData("@yearly", "2024-01-10T05:30:00Z", "2023-01-01T00:00:00Z")]
    [InlineData("none", "2024-01-10T05:30:00Z", "2024-01-10T00:00:00Z")]
    [InlineData("@once", "2024-01-10T05:30:00Z", "2024-01-10T00:00:00Z")]
    public void Default_logical_date_is_the_start_of_the_latest_interval_that_has_ended(string schedule, string now, string expected)
    {
        var date = DagSchedule.Parse(schedule).DefaultLogicalDate(DateTime.Parse(now, null, System.Globalization.DateTimeStyles.AdjustToUniversal));

        Assert.Equal(DateTime.Parse(expected, null, System.Globalization.DateTimeStyles.AdjustToUniversal), date);
        Assert.Equal(DateTimeKind.Utc, date.Kind);
    }

    /// <summary>A day names the one run the schedule makes that day: `--date 2024-01-09` of a DAG run at 02:30 is its
    /// 02:30 run. A day on which the schedule fires at midnight, more than once or not at all, and a time of day, are
    /// taken as they are.</summary>
    [Theory]
    [InlineData("30 2 * * *", "2024-01-09", "2024-01-09T02:30:00Z")]
    [InlineData("30 2 * * *", "2024-01-09T05:00:00Z", "2024-01-09T05:00:00Z")]
    [InlineData("@daily", "2024-01-09", "2024-01-09T00:00:00Z")]
    [InlineData("@hourly", "2024-01-09", "2024-01-09T00:00:00Z")]
    [InlineData("0 6,18 * * *", "2024-01-09", "2024-01-09T00:00:00Z")]
    [InlineData("@weekly", "2024-01-10", "2024-01-10T00:00:00Z")]
    [InlineData("0 9 * * 1", "2024-01-08", "2024-01-08T09:00:00Z")]
    [InlineData("none", "2024-01-09", "2024-01-09T00:00:00Z")]
    public void A_day_names_the_single_run_the_schedule_makes_that_day(string schedule, string date, string expected)
    {
        var resolved = DagSchedule.Parse(schedule).RunOn(RunKey.ParseDate(date));

        Assert.Equal(RunKey.ParseDate(expected), resolved);
        Assert.Equal(DateTimeKind.Utc, resolved.Kind);
    }

    /// <summary>A job at 02:30 Berlin time: the spring-forward day has no 02:30, so it runs once at 03:00 CEST (the
    /// moment the clocks skip to); the fall-back day has 02:30 twice, and it runs once, at the first. Every day has
    /// exactly one run, keyed by the UTC instant.</summary>
    [Fact]
    public void A_cron_in_a_time_zone_fires_once_a_day_across_both_dst_changes()
    {
        var schedule = DagSchedule.Parse("30 2 * * *", "Europe/Berlin");

        Assert.Equal(
            ["2024-03-29T01:30:00Z", "2024-03-30T01:30:00Z", "2024-03-31T01:00:00Z", "2024-04-01T00:30:00Z"],
            schedule.LogicalDatesBetween(RunKey.ParseDate("2024-03-29"), RunKey.ParseDate("2024-04-02")).Select(Text));
        Assert.Equal(
            ["2024-10-25T00:30:00Z", "2024-10-26T00:30:00Z", "2024-10-27T00:30:00Z", "2024-10-28T01:30:00Z"],
            schedule.LogicalDatesBetween(RunKey.ParseDate("2024-10-25"), RunKey.ParseDate("2024-10-29")).Select(Text));
        // The interval of the day before spring-forward is 23.5 hours; the one of fall-back day 25.
        Assert.Equal("2024-03-31T01:00:00Z", Text(schedule.IntervalEnd(RunKey.ParseDate("2024-03-30T01:30:00Z"))));
        Assert.Equal("2024-10-28T01:30:00Z", Text(schedule.IntervalEnd(RunKey.ParseDate("2024-10-27T00:30:00Z"))));
        Assert.Equal(RunKey.ParseDate("2024-03-31T01:00:00Z"), schedule.RunOn(RunKey.ParseDate("2024-03-31")));
        Assert.Equal(RunKey.ParseDate("2024-10-27T00:30:00Z"), schedule.DefaultLogicalDate(RunKey.ParseDate("2024-10-28T12:00:00Z")));
        Assert.Equal("30 2 * * * (Europe/Berlin)", schedule.Text);
    }

    [Fact]
    public void An_unknown_time_zone_is_refused_naming_it()
    {
        var error = Assert.Throws<DagDefinitionException>(() => Dag.Create("d").Schedule("30 2 * * *", "Europe/Berln"));
        Assert.Equal("DAG 'd': time zone 'Europe/Berln' is not known (an IANA name such as Europe/Berlin, or UTC)", error.Message);
        Assert.Contains("no time zone", Assert.Throws<DagDefinitionException>(() => Dag.Create("d").Schedule("@once", "Europe/Berlin")).Message);
    }

    private static string Text(DateTime utc) => utc.ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture);
}
