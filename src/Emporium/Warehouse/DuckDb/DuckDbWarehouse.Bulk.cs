using DuckDB.NET.Data;
using Emporium.Datasets;

namespace Emporium.Warehouse.DuckDb;

/// <summary>What a bulk load's SQL left behind: a staged table of rows to merge (canonical columns, <c>_source</c>,
/// <c>_loaded_at</c>, <c>_seq</c>) with its row count, and the offsets to store with them, or (<paramref name="Offsets"/>
/// null) a decision not to commit anything (with no <paramref name="Alongside"/> then). <paramref name="Alongside"/> is work
/// the body started that runs while the rows merge (on a connection of its own, e.g. writing the same rows as Parquet);
/// the transaction commits only once it has succeeded, and the scratch tables are dropped only once it has ended.
/// <paramref name="InSeqOrder"/>: the staged table scans in <c>_seq</c> order (appended rows need no sort then).</summary>
internal sealed record BulkOutcome<T>(T Result, string? StagedTable, WarehouseBatch? Offsets, long StagedRows = 0, Task? Alongside = null,
    bool InSeqOrder = false);

public sealed partial class DuckDbWarehouse
{
    /// <summary>A connection of its own to the warehouse's database instance (it sees what the writer has committed, and
    /// the in-memory databases attached to the instance), for work that runs beside the writer.</summary>
    internal Task<DuckDBConnection> OpenSideConnectionAsync(CancellationToken ct) => OpenReaderAsync(ct);

    /// <summary>Runs a bulk load as SQL on the writer connection, in one transaction with the batch's offsets (and its
    /// <see cref="WarehouseBatch.ReplaceSource"/> delete): <paramref name="stage"/> stages rows in scratch
    /// tables with DuckDB itself (e.g. from <c>read_csv</c>), before the transaction; the body, in it, returns them,
    /// they are merged into <paramref name="schema"/>'s table like any committed rows, and the whole file becomes
    /// visible at once or not at all. Other commits wait for it, since DuckDB has one writer.</summary>
    /// <param name="replaceSource">Rows of this <c>_source</c> are deleted first (a forced reload).</param>
    /// <param name="cleanup">Drops the scratch tables, committed or not.</param>
    /// <exception cref="RowsRefusedException">The table refused a staged row (a constraint an operator added): nothing
    /// was written.</exception>
    internal async Task<T> BulkLoadAsync<T>(DatasetSchema schema, string? replaceSource, Func<DuckDBConnection, DateTime, Task> stage,
        Func<DuckDBConnection, DateTime, Task<BulkOutcome<T>>> body, Action<DuckDBConnection> cleanup, CancellationToken ct)
    {
        using var parallel = _threads.Enter();
        return await InWriteTransactionAsync(async (tx, loadedAt) =>
        {
            if (replaceSource is not null)
            {
                DeleteSources(schema, [replaceSource]);
            }
            var outcome = await body(_writer, loadedAt).ConfigureAwait(false);
            if (outcome.Offsets is not { } batch)
            {
                TryRollback(tx);
                return outcome.Result;
            }
            try
            {
                if (outcome.StagedTable is { } staged)
                {
                    MergeInto(schema, staged, outcome.StagedRows, outcome.InSeqOrder);
                }
            }
            catch (DuckDBException e) when (IsRefusal(e))
            {
                // DuckDB has no savepoints to find the refused rows by: the whole load is refused (and rolled back).
                if (outcome.Alongside is { } running)
                {
                    await running.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                }
                throw new RowsRefusedException(e.Message, null, e);
            }
            catch when (outcome.Alongside is { } running)
            {
                // The cleanup drops what it reads: it must have stopped first.
                await running.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                throw;
            }
            if (outcome.Alongside is { } alongside)
            {
                await alongside.ConfigureAwait(false);
            }
            FaultInjection?.Invoke("rows");
            WriteOffsets(batch, loadedAt);
            tx.Commit();
            return outcome.Result;
        }, cleanup, ct, stage).ConfigureAwait(false);
    }
}
