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
}
