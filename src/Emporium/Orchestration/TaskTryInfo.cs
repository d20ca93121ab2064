namespace Emporium.Orchestration;

/// <summary>One try of a task instance.</summary>
/// <param name="State"><c>running</c>, <c>success</c>, <c>failed</c> or <c>interrupted</c> (the process stopped
/// during the try; found at restart).</param>
public sealed record TaskTryInfo(
    string Dag,
    DateTime LogicalDate,
    string Task,
    int Try,
    string State,
    DateTime StartedAt,
    DateTime? EndedAt,
    string? Error)
{
    [System.Text.Json.Serialization.JsonIgnore]
    public RunKey Run => new(Dag, LogicalDate);

    [System.Text.Json.Serialization.JsonIgnore]
    public TimeSpan? Duration => EndedAt - StartedAt;
}
