using Emporium.Datasets;
using Emporium.Log;

namespace Emporium.Warehouse;

/// <summary>The SQL warehouse (embedded DuckDB or PostgreSQL/Redshift). Every dataset table has the canonical
/// columns plus system columns <c>_source</c> (lineage) and <c>_loaded_at</c>; marts are views over them.</summary>
public interface IWarehouse : IAsyncDisposable
{
    SqlDialect Dialect { get; }

    /// <summary>Short description, e.g. "duckdb:/data/warehouse.duckdb".</summary>
    string Describe { get; }

    /// <summary>Creates missing tables, the offsets table and the mart views. Idempotent.</summary>
    Task InitializeAsync(IReadOnlyList<DatasetSchema> datasets, CancellationToken ct);

    /// <summary>Stored next-offsets of a consumer group.</summary>
    Task<IReadOnlyDictionary<TopicPartition, long>> GetOffsetsAsync(string group, CancellationToken ct);

    /// <summary>Writes rows and offsets in one transaction. Throws <see cref="RowsRefusedException"/> when the
    /// warehouse refuses the rows themselves (nothing is written then).</summary>
    Task CommitAsync(WarehouseBatch batch, CancellationToken ct);

    /// <summary>Claims ingest tags for log entries, in a transaction of its own, and returns the entry holding each
    /// tag: the first claimant's, forever after (until forgotten). Claiming again from the same entry returns that
    /// entry, so a re-read after a crash or a replay decides as the first read did; within one call the first claim
    /// of a tag wins. Because a claim depends only on the entry, committing it before the entry's rows is safe: the
    /// entry is re-read from the log until its rows commit, and its claim stands. Claims made before
    /// <paramref name="forgetBefore"/> are deleted first.</summary>
    Task<IReadOnlyDictionary<long, IngestClaim>> ClaimIngestTagsAsync(IReadOnlyCollection<IngestClaim> claims, DateTime? forgetBefore, CancellationToken ct);

    /// <summary>Runs a user's query on a read-only path: only a single SELECT/WITH statement, no writes, no file or
    /// network access. Throws <see cref="QueryRejectedException"/> with a readable reason otherwise.</summary>
    Task<QueryResult> QueryReadOnlyAsync(string sql, int maxRows, CancellationToken ct);

    /// <summary>Runs trusted SQL written by Emporium itself (DDL, mart refresh, DAG tasks).</summary>
    Task<int> ExecuteAsync(string sql, CancellationToken ct);

    /// <summary>Runs trusted SQL that returns rows.</summary>
    Task<QueryResult> QueryAsync(string sql, CancellationToken ct);

    /// <summary>Runs trusted SQL that returns rows, stopped at the time limit user queries have (<c>QueryTimeout</c>),
    /// then a <see cref="QueryRejectedException"/> with <see cref="QueryRejectedException.TimedOut"/> set: for reads a
    /// caller asks for (a mart), whose view may be slow and would hold a connection for as long as it ran.</summary>
    Task<QueryResult> QueryTimedAsync(string sql, CancellationToken ct);

    /// <summary>Null when the warehouse answers now, else a one-line reason (for <c>/health</c>). An embedded warehouse
    /// lives in this process, so it is up while the process is; a server warehouse must answer a trivial query.</summary>
    Task<string?> PingAsync(CancellationToken ct) => Task.FromResult<string?>(null);

    /// <summary>When <paramref name="error"/> says the warehouse is down or refusing this client (not that a statement
    /// or its data was wrong), one line naming the warehouse and the reason, as <see cref="PingAsync"/> words it; else
    /// null. An embedded warehouse has no such state.</summary>
    string? DescribeOutage(Exception error) => null;
}
