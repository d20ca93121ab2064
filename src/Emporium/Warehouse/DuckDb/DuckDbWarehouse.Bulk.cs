using DuckDB.NET.Data;
using Emporium.Datasets;

namespace Emporium.Warehouse.DuckDb;

/// <summary>What a bulk load's SQL left behind: a staged table of rows to merge (canonical columns, <c>_source</c>,
/// <c>_loaded_at</c>, <c>_seq</c>) with its row count, and the offsets to store with them, or (<paramref name="Offsets"/>
/// null) a decision not to commit anything.</summary>
internal sealed record BulkOutcome<T>(T Result, string? StagedTable, WarehouseBatch? Offsets, long StagedRows = 0);

public sealed partial class DuckDbWarehouse
{
    /// <summary>Runs a bulk load as SQL on the writer connection, in one transaction with the batch's offsets (and its
    /// <see cref="WarehouseBatch.ReplaceSource"/> delete): <paramref name="stage"/> stages rows in the writer's temp
    /// tables with DuckDB itself (e.g. from <c>read_csv</c>), before the transaction; the body, in it, returns them,
    /// they are merged into <paramref name="schema"/>'s table like any committed rows, and the whole file becomes
    /// visible at once or not at all. Other commits wait for it, since DuckDB has one writer.</summary>
    /// <param name="replaceSource">Rows of this <c>_source</c> are deleted first (a forced reload).</param>
    /// <param name="cleanup">Drops the scratch tables, committed or not.</param>
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
            if (outcome.StagedTable is { } staged)
            {
                MergeInto(schema, staged, outcome.StagedRows);
            }
            FaultInjection?.Invoke("rows");
            WriteOffsets(batch, loadedAt);
            tx.Commit();
            return outcome.Result;
        }, cleanup, ct, stage).ConfigureAwait(false);
    }
}
