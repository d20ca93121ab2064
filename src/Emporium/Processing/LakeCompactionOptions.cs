using Emporium.Configuration;
namespace Emporium.Processing;

/// <summary>How the stream processor merges the small files its lake flushes write (one raw file per log partition
/// and one Parquet file per clean partition, every <see cref="StreamProcessorOptions.LakeFlushInterval"/>: a day of
/// steady traffic would leave hundreds of thousands of files, which every reader of the lake pays for).</summary>
public sealed record LakeCompactionOptions
{
    /// <summary>Merge small lake files in the background. Default true.</summary>
    public bool Enabled { get; init; } = true;

    /// <summary>How often the processor looks for manifests to merge. Default 30 s.</summary>
    [SettingRange("00:00:00", AboveMinimum = true)]
    public TimeSpan Interval { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How many consecutive manifests of one log partition and one level are merged into one. Each merge
    /// raises the level, and only manifests of one level are merged, so a row is rewritten once per level (at one
    /// flush a second and the default: level 1 covers 10 s, level 2 100 s, level 3 about 17 min, level 4 about 3 h),
    /// not at every merge. Default 10.</summary>
    [SettingRange("2")]
    public int Fanout { get; init; } = 10;

    /// <summary>Size at which a merge stops growing: consecutive manifests reaching it together are merged even when
    /// fewer than <see cref="Fanout"/>, and a manifest this large is never merged again. Default 128 MiB.</summary>
    [SettingRange("1")]
    public long TargetBytes { get; init; } = 128L * 1024 * 1024;

    /// <summary>Checks the values; the message names the setting that is wrong (section <c>Processor:Compaction</c>).</summary>
    /// <exception cref="ArgumentException">A value is out of range.</exception>
    public void Validate() => SettingRangeAttribute.Check(this, "Processor:Compaction");
}
