namespace Emporium.Orchestration;

/// <summary>What a list of DAGs shows of each one's history, kept up to date as runs are saved so that listing the DAGs
/// does not read every run of every DAG (a DAG that ran daily for years has thousands).</summary>
/// <param name="Latest">The run of the latest logical date, if any.</param>
/// <param name="LastStartedAt">When a run of the DAG last started, whatever its date (a backfill's old days start after
/// today's run).</param>
/// <param name="Total">Runs recorded.</param>
/// <param name="ByState">Runs in each state (every state present, zero included).</param>
public sealed record DagRunSummary(DagRunInfo? Latest, DateTime? LastStartedAt, int Total, IReadOnlyDictionary<RunState, int> ByState)
{
    public static DagRunSummary Empty { get; } = new(null, null, 0, Enum.GetValues<RunState>().ToDictionary(s => s, _ => 0));
}
