using Emporium.Configuration;
namespace Emporium.Processing;

/// <summary>The stream processor's tunables read from configuration (section <c>Processor</c>); the rest of
/// <see cref="StreamProcessorOptions"/> follows from the deployment (group, partitions, folders).</summary>
public sealed record ProcessorSettings
{
    private static readonly StreamProcessorOptions Defaults = new();

    /// <summary>See <see cref="StreamProcessorOptions.MaxBatchRecords"/>. Default 5 000.</summary>
    [SettingRange("1")]
    public int MaxBatchRecords { get; init; } = Defaults.MaxBatchRecords;

    /// <summary>See <see cref="StreamProcessorOptions.MaxCatchUpBatchRecords"/>. Default 20 000.</summary>
    [SettingRange("1")]
    public int MaxCatchUpBatchRecords { get; init; } = Defaults.MaxCatchUpBatchRecords;

    /// <summary>See <see cref="StreamProcessorOptions.MinBatchInterval"/>: raise it for a stream of single records
    /// that can become visible later; lower it for freshness. Default 100 ms.</summary>
    [SettingRange("00:00:00")]
    public TimeSpan MinBatchInterval { get; init; } = Defaults.MinBatchInterval;

    /// <summary>See <see cref="StreamProcessorOptions.LakeFlushInterval"/>. Default 1 s.</summary>
    [SettingRange("00:00:00")]
    public TimeSpan LakeFlushInterval { get; init; } = Defaults.LakeFlushInterval;

    /// <summary>See <see cref="StreamProcessorOptions.LakeMaxBufferedRecords"/>. Default 100 000.</summary>
    [SettingRange("1")]
    public int LakeMaxBufferedRecords { get; init; } = Defaults.LakeMaxBufferedRecords;

    /// <summary>See <see cref="StreamProcessorOptions.Compaction"/> (section <c>Processor:Compaction</c>). Default on.</summary>
    /// <remarks>A fresh instance, not the defaults' one: the configuration binder sets properties on the object it finds.</remarks>
    public LakeCompactionOptions Compaction { get; init; } = new();

    /// <summary>The processor's options with these settings applied.</summary>
    public StreamProcessorOptions ApplyTo(StreamProcessorOptions options) =>
        options with
        {
            MaxBatchRecords = MaxBatchRecords,
            MaxCatchUpBatchRecords = MaxCatchUpBatchRecords,
            MinBatchInterval = MinBatchInterval,
            LakeFlushInterval = LakeFlushInterval,
            LakeMaxBufferedRecords = LakeMaxBufferedRecords,
            Compaction = Compaction,
        };
}
