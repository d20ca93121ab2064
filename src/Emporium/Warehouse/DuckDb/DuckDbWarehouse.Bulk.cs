using System.Globalization;
using DuckDB.NET.Data;
using Emporium.Datasets;
using static Emporium.Warehouse.DuckDb.DuckDbSql;

namespace Emporium.Warehouse.DuckDb;

/// <summary>What a bulk load's SQL left behind: a staged table of rows to merge (canonical columns, <c>_source</c>,
/// <c>_loaded_at</c>, <c>_seq</c>) with its row count, and the offsets to store with them, or (<paramref name="Offsets"/>
/// null) a decision not to commit anything (with no <paramref name="Alongside"/> then). <paramref name="Alongside"/> is work
/// the body started that runs while the rows merge (on a connection of its own, e.g. writing the same rows as Parquet);
/// the transaction commits only once it has succeeded, and the scratch tables are dropped only once it has ended.
/// <paramref name="InSeqOrder"/>: the staged table scans in <c>_seq</c> order (appended rows need no sort then).
/// <paramref name="NewTable"/>: the stage built the rows in <see cref="BulkStage.NewTable"/>, which may then become the
/// dataset's table.</summary>
internal sealed record BulkOutcome<T>(T Result, string? StagedTable, WarehouseBatch? Offsets, long StagedRows = 0, Task? Alongside = null,
    bool InSeqOrder = false, string? NewTable = null);

/// <summary>What a bulk load's stage is given: the load time, and, when the dataset's table is empty (and has exactly the
/// contract's columns), the name of a table in the warehouse's main schema the stage may build instead of staging
/// in memory. Such a table must start with the dataset's table's columns as <see cref="DuckDbWarehouse.ColumnDefinitions"/>
/// gives them (key columns NOT NULL), may have scratch columns after them, and keeps only its rows whose <c>_ok</c> is true. It is made
/// the dataset's table when the staged rows can be taken as they are (every key new and once; an appended dataset's
/// rows in order), which saves storing 1.4M rows a second time (about 4.8 s of CPU); otherwise its rows are merged
/// like any staged rows.</summary>
internal sealed record BulkStage(DateTime LoadedAt, string? NewTable);

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
    internal async Task<T> BulkLoadAsync<T>(DatasetSchema schema, string? replaceSource, Func<DuckDBConnection, BulkStage, Task> stage,
        Func<DuckDBConnection, DateTime, Task<BulkOutcome<T>>> body, Action<DuckDBConnection> cleanup, CancellationToken ct)
    {
        using var parallel = _threads.Enter();
        var newTable = NewTableName(schema.Name);
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
                    if (outcome.NewTable is { } built && CanAdopt(schema, staged, outcome.StagedRows, outcome.InSeqOrder))
                    {
                        // The rows are read beside this (the Parquet): the table changes only once that is done.
                        if (outcome.Alongside is { } reading)
                        {
                            await reading.ConfigureAwait(false);
                        }
                        Adopt(schema, built);
                    }
                    else
                    {
                        MergeInto(schema, staged, outcome.StagedRows, outcome.InSeqOrder);
                    }
                }
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
        }, db =>
        {
            cleanup(db);
            Execute(db, $"DROP TABLE IF EXISTS main.{Quote(newTable)}");
        }, ct, (db, loadedAt) => stage(db, new BulkStage(loadedAt, replaceSource is null && IsEmptyContractTable(schema) ? newTable : null)))
            .ConfigureAwait(false);
    }

    /// <summary>The table a bulk load into an empty dataset table builds: in the main schema (a table is renamed within
    /// its schema only), named so the query guard hides it, and dropped if a crash left it behind.</summary>
    internal static string NewTableName(string dataset) => $"{ScratchPrefix}new_{dataset}";

    /// <summary>Tables of the warehouse's own making, never shown to queries.</summary>
    internal const string ScratchPrefix = "_emporium_";

    private bool IsEmptyContractTable(DatasetSchema schema)
    {
        using var cmd = _writer.CreateCommand();
        cmd.CommandText = $"SELECT count(*) FROM {Quote(schema.Name)}";
        return Convert.ToInt64(cmd.ExecuteScalar(), CultureInfo.InvariantCulture) == 0
            && ColumnsOf(schema.Name).SequenceEqual(ContractColumns(schema), StringComparer.Ordinal);
    }

    private static IEnumerable<string> ContractColumns(DatasetSchema schema) =>
        schema.Columns.Select(c => c.Name).Append("_source").Append("_loaded_at");

    /// <summary>Whether the staged rows can become the table as they are: an appended dataset's rows in order, or a
    /// keyed dataset's keys each once (the table is empty, so none is taken).</summary>
    private bool CanAdopt(DatasetSchema schema, string staged, long rows, bool inSeqOrder) =>
        rows > 0 && (schema.Mode == WriteMode.Upsert && schema.Key.Count > 0 ? IsNewKeys(schema, staged) : inSeqOrder);

    /// <summary>Makes the built table the dataset's, in the open transaction: its scratch columns dropped, then the rows
    /// it does not keep deleted (DuckDB refuses to commit a change to a table's rows made before the table was altered
    /// in the same transaction, so they are found first and deleted after).</summary>
    private void Adopt(DatasetSchema schema, string built)
    {
        var table = $"main.{Quote(built)}";
        var dropped = Quote(ScratchPrefix + "dropped");
        Execute(_writer, $"CREATE OR REPLACE TEMP TABLE {dropped} AS SELECT rowid AS id FROM {table} WHERE _ok IS NOT TRUE");
        var keep = ContractColumns(schema).ToHashSet(StringComparer.Ordinal);
        foreach (var column in ColumnsOf(built).Where(c => !keep.Contains(c)))
        {
            Execute(_writer, $"ALTER TABLE {table} DROP COLUMN {Quote(column)}");
        }
        Execute(_writer, $"DROP TABLE {Quote(schema.Name)}");
        Execute(_writer, $"ALTER TABLE {table} RENAME TO {Quote(schema.Name)}");
        Execute(_writer, $"DELETE FROM {Quote(schema.Name)} WHERE rowid IN (SELECT id FROM temp.{dropped}); DROP TABLE temp.{dropped}");
    }
}
