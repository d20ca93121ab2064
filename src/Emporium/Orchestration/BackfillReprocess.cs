namespace Emporium.Orchestration;

/// <summary>Which days of a backfill's range that already have a run are run again, after Airflow 3's
/// <c>reprocess_behavior</c>. Days without a run always get one; a day whose run is active is never touched.</summary>
public enum BackfillReprocess
{
    /// <summary>Only days without a run.</summary>
    Missing,

    /// <summary>Days without a run and days whose run failed (the default): a backfill fills holes and retries
    /// failures, and never replaces a day that succeeded, perhaps with other parameters.</summary>
    Failed,

    /// <summary>Every day: finished runs, succeeded ones included, are run again in place.</summary>
    All,
}

/// <summary>The names of <see cref="BackfillReprocess"/> on the CLI and in the HTTP API.</summary>
public static class BackfillReprocessNames
{
    public const string Choices = "missing, failed or all";

    public static string Name(BackfillReprocess value) => value.ToString().ToLowerInvariant();

    /// <summary>Only the three names (any case): <see cref="Enum.TryParse{TEnum}(string, bool, out TEnum)"/> would also take "1".</summary>
    public static bool TryParse(string? text, out BackfillReprocess value)
    {
        foreach (var candidate in Enum.GetValues<BackfillReprocess>())
        {
            if (string.Equals(text, Name(candidate), StringComparison.OrdinalIgnoreCase))
            {
                value = candidate;
                return true;
            }
        }
        value = BackfillReprocess.Failed;
        return false;
    }
}
