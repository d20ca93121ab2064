using Emporium.Datasets;

namespace Emporium.Processing;

/// <summary>Settings of the stream processor.</summary>
public sealed record StreamProcessorOptions
{
    /// <summary>Consumer group; its positions live in the warehouse. Default "stream" (the group ingest measures lag against).</summary>
    public string Group { get; init; } = "stream";

    /// <summary>Datasets (= topics) consumed. Default every built-in dataset and the dead letters
    /// (<see cref="DatasetCatalog.Streamed"/>).</summary>
    public IReadOnlyList<DatasetSchema> Datasets { get; init; } = DatasetCatalog.Streamed;

    /// <summary>Partitions a topic is created with when it does not exist yet. Default 4.</summary>
    public int Partitions { get; init; } = 4;

    /// <summary>Most log entries in one micro-batch (one warehouse transaction). Default 5 000.</summary>
    public int MaxBatchRecords { get; init; } = 5_000;

    /// <summary>Largest batch while the processor is behind: after a full batch the next may be twice as large, up to
    /// this. Each batch has a fixed cost, so larger batches land a backlog faster (processor alone, 100k orders/s
    /// offered on 2 cores: 36–42k entries/s at 5 000 per batch, 63–65k at 20 000), but while a backlog lasts a record
    /// of another dataset waits for a longer batch (a keyed probe's p99 went from 0.33–0.36 s to 0.83–0.87 s). Batches
    /// return to <see cref="MaxBatchRecords"/> as soon as one is not full. Default 20 000; equal to
    /// <see cref="MaxBatchRecords"/> turns it off.</summary>
    public int MaxCatchUpBatchRecords { get; init; } = 20_000;

    /// <summary>Longest a fetch waits for data before returning what it has. Small, because the freshness target
    /// (append → visible in marts) is 500 ms at p99 and the log wakes the fetch as soon as data arrives. Default 50 ms.</summary>
    public TimeSpan MaxWait { get; init; } = TimeSpan.FromMilliseconds(50);

    /// <summary>Shortest time from the start of one micro-batch to the next while the processor is caught up (its last
    /// batch was not full). Each batch has a fixed cost (a lake file per partition and dataset, manifests, a warehouse
    /// transaction, their fsyncs) of several milliseconds of CPU, so landing every trickle as soon as it arrived spent
    /// most of the CPU of a stream of single-record requests on batch overhead (measured: 200 µs per request, two thirds
    /// of the whole cost of a single-record POST). When behind, batches follow each other at once. Adds at most this
    /// much to the time a record takes to become visible. Default 100 ms; zero lands every fetch at once.</summary>
    public TimeSpan MinBatchInterval { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Pause after a failed batch before retrying it; doubled after each further failure in a row, up to
    /// <see cref="MaxRetryDelay"/>. Default 1 s.</summary>
    public TimeSpan RetryDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Longest pause between retries while batches keep failing (a warehouse down for an hour is tried every
    /// this often, not every second), and so the longest a record waits after the warehouse is back. Default 10 s.</summary>
    public TimeSpan MaxRetryDelay { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Write raw NDJSON and clean Parquet to the lake. Default true.</summary>
    public bool WriteLake { get; init; } = true;

    /// <summary>Longest a record committed to the warehouse waits before its lake files are written. The lake is
    /// written for what several micro-batches committed at once: one file set per micro-batch cost as much CPU as the
    /// warehouse commit (processor alone, 4 000 orders/s: 2.9 of 6.4 s of CPU per 10 s) and left many small files. The
    /// marts read the warehouse, so this delays only readers of the lake's files. Default 1 s; zero writes the lake
    /// after every micro-batch.</summary>
    public TimeSpan LakeFlushInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Log entries that make the lake write at once, before <see cref="LakeFlushInterval"/> (bounds the memory
    /// of a backlog held for the lake and the size of its files). Default 100 000.</summary>
    public int LakeMaxBufferedRecords { get; init; } = 100_000;

    /// <summary>Merging of the lake's small files (<see cref="LakeCompactionOptions"/>). Default on, every 30 s.</summary>
    public LakeCompactionOptions Compaction { get; init; } = new();

    /// <summary>Group under which the lake's committed positions are stored in the warehouse, beside the processor's.</summary>
    public string LakeGroup => LakeGroupOf(Group);

    /// <summary>The lake's group for a processor group.</summary>
    public static string LakeGroupOf(string group) => group + ".lake";

    /// <summary>Drop the second copy of a record sent with an Idempotency-Key (<see cref="RetriedRecords"/>). Default
    /// null: when the log says copies can occur (<see cref="Log.IEventLog.MayRepeatTaggedAppends"/>: Kafka yes, the
    /// embedded log no, since its one ingest process appends a retry's missing records only).</summary>
    public bool? DropRetriedRecords { get; init; }

    /// <summary>How long the processor remembers the ingest tags of records sent with an Idempotency-Key, to land a
    /// record once when a retry appended it again (<see cref="RetriedRecords"/>). The warehouse keeps one small row
    /// per such record for this long. Default 24 h; the host sets it to the lifetime of an Idempotency-Key
    /// (<c>Ingest:IdempotencyTtl</c>), after which a retry is a new request anyway.</summary>
    public TimeSpan RetriedRecordWindow { get; init; } = TimeSpan.FromHours(24);

    /// <summary>Folder for Parquet files before upload; default the OS temp folder.</summary>
    public string? TempDirectory { get; init; }
}
