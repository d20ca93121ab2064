namespace Emporium.Orchestration;

public enum TaskState
{
    /// <summary>Waiting for its upstream tasks (or depends_on_past, or a slot).</summary>
    None,
    Running,

    /// <summary>A try failed; the next one starts after the retry delay.</summary>
    UpForRetry,
    Success,
    Failed,

    /// <summary>An upstream task failed, so this one will not run in this run.</summary>
    UpstreamFailed,
}

public static class TaskStateExtensions
{
    public static bool IsTerminal(this TaskState state) => state is TaskState.Success or TaskState.Failed or TaskState.UpstreamFailed;

    public static bool IsTerminal(this RunState state) => state is RunState.Success or RunState.Failed;
}
