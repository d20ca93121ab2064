using System.Text.Json.Serialization;

namespace Emporium.Lake;

/// <summary>The commit record of one batch of lake files. A file is visible to readers only once a published
/// manifest names it; listings may show files of a batch that was never committed (a crash before the warehouse
/// commit), and readers must ignore those.</summary>
/// <param name="Dataset">Dataset (or stage name) the files belong to.</param>
/// <param name="Id">Unique within the dataset; for the stream processor the offset range stem
/// (<c>p0-000000000100-000000000199</c>), for file loads e.g. <c>file-&lt;sha256&gt;</c>.</param>
/// <param name="Source">Lineage, the same string as the warehouse rows' <c>_source</c>.</param>
/// <param name="Files">Every object of the batch.</param>
/// <param name="CreatedAt">When the batch was written.</param>
public sealed record LakeManifest(string Dataset, string Id, string Source, IReadOnlyList<LakeManifestFile> Files, DateTimeOffset CreatedAt)
{
    /// <summary>Ids of the manifests whose files this one merged (compaction). While any of them is still stored (the
    /// compaction is finishing), readers skip it, so no row is seen twice. Null for a batch written once.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<string>? Replaces { get; init; }

    /// <summary>How many compactions the rows went through: 0 for a flush, one more than its inputs for a merge. Only
    /// manifests of one level are merged together, so a row is rewritten once per level, not once per compaction.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public int Level { get; init; }
}

/// <summary>One object of a manifest: its path, zone ("raw"/"clean"/"stage"), rows and bytes.</summary>
public sealed record LakeManifestFile(string Path, string Zone, long Rows, long Bytes);
