namespace Emporium.Orchestration;

public enum RunState
{
    /// <summary>Created, waiting for a max_active_runs slot.</summary>
    Queued,
    Running,
    Success,
    Failed,
}
