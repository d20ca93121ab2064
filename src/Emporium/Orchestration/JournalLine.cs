using System.Text.Json;
using System.Text.Json.Serialization;

namespace Emporium.Orchestration;

/// <summary>One line of the metadata journal: the new full value of one entity (last line wins on replay).</summary>
internal sealed record JournalLine
{
    public DagRunInfo? Run { get; init; }

    public TaskInstanceInfo? Task { get; init; }

    public TaskTryInfo? Try { get; init; }

    public XComLine? XCom { get; init; }

    public DagStateInfo? DagState { get; init; }

    /// <summary>All outputs of one task in one run were removed (the task was cleared).</summary>
    public XComLine? XComClear { get; init; }

    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };
}

internal sealed record XComLine(string Dag, DateTime LogicalDate, string Task, string? Key, string? Value);
