using Emporium.Configuration;
namespace Emporium.Batch.Loading;

/// <summary>Settings of the batch loader.</summary>
public sealed record BatchLoaderOptions
{
    /// <summary>Source rows per chunk of the streaming path (rows held in memory, one clean Parquet file set) outside
    /// DuckDB's staging. With <see cref="OneTransactionPerFile"/> off, each chunk is a transaction recording how far it
    /// got, and a crash resumes at the last chunk. Default 100 000.</summary>
    [SettingRange("1")]
    public int ChunkRows { get; init; } = 100_000;

    /// <summary>Local scratch folder for Parquet and quarantine files before they are moved into the lake.
    /// Default: the OS temp folder.</summary>
    public string? TempDirectory { get; init; }

    /// <summary>Clean Parquet files of one bulk load moved into the lake at once. A move waits mostly on the store (two
    /// fsyncs on a local lake, a PUT on S3), and a dataset partitioned by date and country makes thousands of small
    /// files. Default 8.</summary>
    [SettingRange("1")]
    public int LakeWriteConcurrency { get; init; } = 8;

    /// <summary>Consumer group under which file loads are recorded in the warehouse offsets table. Default "batch".</summary>
    public string Group { get; init; } = "batch";

    /// <summary>When the warehouse is DuckDB, let DuckDB read CSV/TSV and Parquet files itself (<c>read_csv</c>,
    /// <c>read_parquet</c>) and clean them in SQL generated from the dataset's column rules, in one transaction per file;
    /// rows SQL cannot clean exactly go through the shared normalizer. Files it does not fit (JSON, workbooks, Latin-1
    /// text, reviews, an unterminated quote, Parquet columns of other types than text, integers, floating point,
    /// booleans and timestamps, a resumed load…) take the streaming path. Default true.</summary>
    public bool Bulk { get; init; } = true;

    /// <summary>A file on the streaming path (JSON, workbooks, Latin-1 text…) commits in one transaction, so a crash
    /// leaves none of its rows: on DuckDB it is staged in DuckDB as it is read and its clean Parquet is written beside
    /// the insert; on PostgreSQL (<see cref="Warehouse.IFileLoadWarehouse"/>) its chunks are written into one open
    /// transaction. False commits it chunk by chunk (<see cref="ChunkRows"/>), and a crash resumes after the last chunk.
    /// A resumed load of a file an earlier run left part way is chunked too. Default true.</summary>
    public bool OneTransactionPerFile { get; init; } = true;
}
