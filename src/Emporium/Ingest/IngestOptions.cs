using Emporium.Configuration;
namespace Emporium.Ingest;

/// <summary>Limits and back-pressure of the HTTP ingest path (configuration section <c>Ingest</c>).</summary>
public sealed record IngestOptions
{
    /// <summary>Largest accepted request body in bytes. Default 16 MiB.</summary>
    [SettingRange("1")]
    public long MaxBodyBytes { get; init; } = 16L * 1024 * 1024;

    /// <summary>Most records one ingest request may hold; a body with more is answered 413 and appends nothing.
    /// Default 100 000 (a hundred times <c>emporium send</c>'s batch). The byte limit alone let a 16 MB body of empty
    /// objects become 5.6 million dead letters, about 450 bytes of log each, held in memory while appended.</summary>
    [SettingRange("1")]
    public int MaxRecordsPerRequest { get; init; } = 100_000;

    /// <summary>Records appended but not yet processed (summed over partitions) above which ingest answers 429.
    /// Default 1,000,000; 0 disables the check.</summary>
    [SettingRange("0")]
    public long MaxLag { get; init; } = 1_000_000;

    /// <summary>Seconds a client is told to wait (Retry-After) when refused for lag or a full disk. Default 1.</summary>
    [SettingRange("0")]
    public int RetryAfterSeconds { get; init; } = 1;

    /// <summary>How long an Idempotency-Key is remembered. Default 24 hours.</summary>
    [SettingRange("00:00:00", AboveMinimum = true)]
    public TimeSpan IdempotencyTtl { get; init; } = TimeSpan.FromHours(24);

    /// <summary>Consumer group of the stream processor, whose stored offsets define lag. Default "stream".</summary>
    public string ProcessorGroup { get; init; } = "stream";

    /// <summary>How often the idempotency store's log checkpoint moves forward; after a crash, start-up reads the log
    /// appended since the last one for requests whose response was never recorded. Default 1 second.</summary>
    [SettingRange("00:00:00", AboveMinimum = true)]
    public TimeSpan IdempotencyCheckpointInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Window over which the ingest rate gauge (<c>emporium_ingest_records_per_second</c>, and
    /// <c>ingestRate</c> in <c>/api/v1/datasets</c>) averages accepted records. Default 10 seconds.</summary>
    [SettingRange("00:00:01")]
    public TimeSpan RateWindow { get; init; } = TimeSpan.FromSeconds(10);
}
