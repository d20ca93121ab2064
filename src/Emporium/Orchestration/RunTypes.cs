namespace Emporium.Orchestration;

/// <summary>Why a run exists (the prefix of its run id).</summary>
public static class RunTypes
{
    public const string Scheduled = "scheduled";
    public const string Manual = "manual";
    public const string Backfill = "backfill";
}

/// <summary>States of one try.</summary>
public static class TryStates
{
    public const string Running = "running";
    public const string Success = "success";
    public const string Failed = "failed";
    public const string Interrupted = "interrupted";
}
