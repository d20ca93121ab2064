using Emporium.Batch.Formats;
using Emporium.Datasets;

namespace Emporium.Batch.Loading;

/// <summary>What to load files as.</summary>
/// <param name="Dataset">Target dataset.</param>
/// <param name="Read">Format and reading choices (default: detect).</param>
/// <param name="Strict">When true a file with any rejected row loads nothing (its rejects are still quarantined).</param>
/// <param name="Force">When true a file loaded before is loaded again, replacing the rows that came from it.</param>
/// <param name="Constants">Values added to every row when the file lacks them (e.g. a snapshot date or seller id
/// that a file's name or the calling job knows but its rows do not carry). Default none.</param>
public sealed record BatchLoadRequest(
    DatasetSchema Dataset,
    ReadSettings? Read = null,
    bool Strict = false,
    bool Force = false,
    IReadOnlyDictionary<string, string>? Constants = null)
{
    public ReadSettings ReadSettings => Read ?? ReadSettings.Default;
}
