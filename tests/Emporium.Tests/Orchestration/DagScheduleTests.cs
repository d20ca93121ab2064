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
}
