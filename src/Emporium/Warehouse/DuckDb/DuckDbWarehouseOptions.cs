namespace Emporium.Warehouse.DuckDb;

/// <summary>Settings of the embedded DuckDB warehouse.</summary>
public sealed record DuckDbWarehouseOptions
{
    /// <summary>Database file. Created when missing.</summary>
    public required string Path { get; init; }

    /// <summary>Longest a user query may run before it is interrupted. Default 30 s.</summary>
    public TimeSpan QueryTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Row cap for user queries when the caller passes no positive limit. Default 10 000.</summary>
    public int DefaultMaxRows { get; init; } = 10_000;

    /// <summary>Budget of a user query's result, in bytes of the JSON the API writes for its rows (estimated per value):
    /// reading stops at the first of this and the row cap, and the result says which cut it (<c>truncatedBy</c>). It
    /// bounds what one query holds in the process, whatever <c>maxRows</c> asked: a million rows of products were
    /// 353 MB of JSON and grew the server by over 1 GB. Default 64 MiB (about 140 000 rows of generated products).</summary>
    public long MaxResultBytes { get; init; } = 64L << 20;

    /// <summary>DuckDB's <c>memory_limit</c> (its buffer pool: tables, sorts, joins, CSV buffers), e.g. "512MB" or
    /// "2GB"; past it DuckDB spills to a temp folder beside the database file. Default "512MB", which keeps a whole
    /// process under 1 GiB while it loads files far larger than memory; DuckDB's own default (80 % of RAM) would let
    /// it grow with the data. Null leaves DuckDB's default.</summary>
    public string? MemoryLimit { get; init; } = "512MB";

    /// <summary>DuckDB's <c>checkpoint_threshold</c>: the write-ahead log size past which a commit also folds the log
    /// into the database file. Default "256MB". The checkpoint runs inside the commit that crosses the threshold and
    /// holds the single writer for 0.2–0.6 s however little the log holds (measured with 16 MB, DuckDB's default, and
    /// 128 MB on tables of about a million rows; about 1.5 s for 250 MB of appends), so DuckDB's default stalled the
    /// stream processor every few seconds under load and set the freshness p99. With <see cref="IdleCheckpointAfter"/>
    /// folding the log in pauses, this is the backstop for a load that never pauses; a larger log costs a longer replay
    /// after a crash (the log is folded in on every clean stop). Null leaves DuckDB's default.</summary>
    public string? CheckpointThreshold { get; init; } = "256MB";

    /// <summary>How long the writer must have written nothing before the write-ahead log is folded into the database
    /// file (when it holds at least <see cref="IdleCheckpointMinWalBytes"/>). Default 500 ms: a stream at any steady
    /// rate commits every <c>Processor:MinBatchInterval</c> (100 ms), so this finds the pauses between bursts and loads;
    /// a commit arriving during the checkpoint waits for it. Zero turns it off (only DuckDB's threshold checkpoints).</summary>
    public TimeSpan IdleCheckpointAfter { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Write-ahead log size from which an idle checkpoint runs. Default 8 MB: a smaller log replays in moments
    /// after a crash and is folded in at a clean stop anyway.</summary>
    public long IdleCheckpointMinWalBytes { get; init; } = 8L << 20;

    /// <summary>DuckDB's <c>threads</c> while a bulk load, a query or other SQL of the warehouse's users runs. Default
    /// null: every core.</summary>
    public int? Threads { get; init; }

    /// <summary>DuckDB's <c>threads</c> while only the stream processor's commits run (small statements, many per
    /// second). Default 1: DuckDB wakes every worker for every statement, which on two cores cost a third of the
    /// processor's CPU; see <see cref="DuckDbThreads"/>. Null: the same as <see cref="Threads"/>.</summary>
    public int? CommitThreads { get; init; } = 1;
}
