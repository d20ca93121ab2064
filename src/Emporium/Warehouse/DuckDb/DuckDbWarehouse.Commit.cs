using DuckDB.NET.Data;
using DuckDB.NET.Native;
using Emporium.Datasets;
using static Emporium.Warehouse.DuckDb.DuckDbSql;

namespace Emporium.Warehouse.DuckDb;

public sealed partial class DuckDbWarehouse
{
    /// <summary>Test seam: called with a step name ("rows", "offsets") inside the open transaction so tests can
    /// fail a commit half way and prove nothing of it survives.</summary>
    internal Action<string>? FaultInjection { get; set; }

    /// <summary>Rows from which a commit runs with every DuckDB thread (<see cref="DuckDbThreads"/>): a catch-up batch
    /// or a chunk of a streamed file load gains from them; the stream's usual batches of hundreds of rows only pay the
    /// worker wake-ups.</summary>
    private const int ParallelCommitRows = 10_000;

    public async Task CommitAsync(WarehouseBatch batch, CancellationToken ct)
    {
        using var parallel = batch.Rows.Sum(r => r.Records.Count) >= ParallelCommitRows ? _threads.Enter() : default;
        try
        {
            await CommitRowsAsync(batch, ct).ConfigureAwait(false);
        }
        // The rows' own fault (a constraint, a value its types cannot hold); I/O, memory and transaction errors are
        // not, and those batches are retried as they are.
        catch (DuckDBException e) when (IsRefusal(e))
        {
            throw new RowsRefusedException(e.Message, null, e);
        }
    }

    private static bool IsRefusal(DuckDBException e) =>
        e.ErrorType is DuckDBErrorType.Constraint or DuckDBErrorType.Conversion or DuckDBErrorType.OutOfRange or DuckDBErrorType.Decimal;

    private async Task CommitRowsAsync(WarehouseBatch batch, CancellationToken ct)
    {
        await InWriteTransactionAsync((tx, loadedAt) =>
        {
            CheckExpectedOffsets(batch);
            DeleteReplaced(batch);
            foreach (var group in batch.Rows.GroupBy(r => r.Schema.Name, StringComparer.Ordinal))
            {
                ct.ThrowIfCancellationRequested();
                WriteRows(group.First().Schema, group.ToList(), loadedAt);
            }
            FaultInjection?.Invoke("rows");
            WriteOffsets(batch, loadedAt);
            FaultInjection?.Invoke("offsets");
            tx.Commit();
            return Task.FromResult(true);
        }, cleanup: null, ct).ConfigureAwait(false);
    }

    /// <summary>Runs <paramref name="body"/> (which commits) in one transaction of the single writer, given the
    /// load time; any failure rolls it back, and <paramref name="cleanup"/> runs last either way. <paramref name="prepare"/>
    /// runs first, holding the writer but outside the transaction: for work on the writer's own temp tables, which
    /// DuckDB scans in parallel once committed (rows a transaction has not committed yet are scanned by one thread).</summary>
    private async Task<T> InWriteTransactionAsync<T>(
        Func<DuckDBTransaction, DateTime, Task<T>> body, Action<DuckDBConnection>? cleanup, CancellationToken ct,
        Func<DuckDBConnection, DateTime, Task>? prepare = null)
    {
        await _writeLock.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var loadedAt = _time.GetUtcNow().UtcDateTime;
            try
            {
                if (prepare is not null)
                {
                    await prepare(_writer, loadedAt).ConfigureAwait(false);
                }
                using var tx = _writer.BeginTransaction();
                try
                {
                    return await body(tx, loadedAt).ConfigureAwait(false);
                }
                catch
                {
                    TryRollback(tx);
                    throw;
                }
            }
            finally
            {
                cleanup?.Invoke(_writer);
            }
        }
        finally
        {
            _writeLock.Release();
            _idleCheckpoint?.Touch();
        }
    }

    private static void TryRollback(DuckDBTransaction tx)
    {
        try
        {
            tx.Rollback();
        }
        catch (Exception e) when (e is DuckDBException or InvalidOperationException)
        {
            // DuckDB may already have aborted the transaction after the error; nothing is left to undo.
        }
    }

    private void CheckExpectedOffsets(WarehouseBatch batch)
    {
        if (batch.ExpectedOffsets is not { Count: > 0 } expected)
        {
            return;
        }
        var stored = ReadOffsets(_writer, batch.Group);
        foreach (var (partition, offset) in expected)
        {
            var actual = stored.GetValueOrDefault(partition, 0);
            if (actual != offset)
            {
                throw new OffsetConflictException(partition, offset, actual);
            }
        }
    }

    private void DeleteReplaced(WarehouseBatch batch)
    {
        if (batch.ReplaceSource is { } replace)
        {
            foreach (var schema in batch.Rows.Select(r => r.Schema).DistinctBy(s => s.Name))
            {
                DeleteSources(schema, [replace]);
            }
        }
        if (batch.DeleteSources is { Count: > 0 } sources)
        {
            foreach (var schema in (batch.DeleteFrom ?? batch.Rows.Select(r => r.Schema).ToList()).DistinctBy(s => s.Name))
            {
                DeleteSources(schema, sources);
            }
        }
    }

    private void DeleteSources(DatasetSchema schema, IReadOnlyList<string> sources)
    {
        using var cmd = _writer.CreateCommand();
        cmd.CommandText = $"DELETE FROM {Quote(schema.Name)} WHERE _source IN ({string.Join(", ", sources.Select(Literal))})";
        cmd.ExecuteNonQuery();
    }

    private void WriteRows(DatasetSchema schema, IReadOnlyList<DatasetRows> parts, DateTime loadedAt)
    {
        var stage = CreateStage(schema);
        long seq = 0;
        using (var appender = _writer.CreateAppender("temp", "main", stage))
        {
            foreach (var part in parts)
            {
                foreach (var record in part.Records)
                {
                    var row = appender.CreateRow();
                    foreach (var value in record.Values)
                    {
                        DuckDbAppend.Value(row, value);
                    }
                    row.AppendValue(part.Source).AppendValue((DateTime?)loadedAt).AppendValue((long?)seq++).EndRow();
                }
            }
        }
        if (seq == 0)
        {
            return;
        }
        if (seq > NewKeysCheckRows && schema.Mode == WriteMode.Upsert && schema.Key.Count > 0)
        {
            KeepLatestStaged(schema, stage);
        }
        MergeInto(schema, $"temp.main.{Quote(stage)}", seq);
    }

    /// <summary>Inserts the rows of a staged table (canonical columns, <c>_source</c>, <c>_loaded_at</c>, and
    /// <c>_seq</c> giving their order) into the dataset's table. Keyed datasets keep one row per key, the latest: the
    /// tables carry no PRIMARY KEY (see <see cref="EnsureTable"/>), so the single writer replaces rows itself.</summary>
    /// <param name="inSeqOrder">The source scans in <c>_seq</c> order already: an appended dataset's rows then keep it
    /// without a sort (which cost a bulk load of 1.4M rows 2 s of CPU).</param>
    private void MergeInto(DatasetSchema schema, string source, long rows, bool inSeqOrder = false)
    {
        var columns = string.Join(", ", schema.Columns.Select(c => Quote(c.Name)).Append("_source").Append("_loaded_at"));
        var target = Quote(schema.Name);
        if (schema.Mode != WriteMode.Upsert || schema.Key.Count == 0)
        {
            Execute(_writer, $"INSERT INTO {target} ({columns}) SELECT {columns} FROM {source}{(inSeqOrder ? "" : " ORDER BY _seq")}");
            return;
        }
        // Checking the batch's keys costs a scan of it and of the table, as the delete below does: worth it only for
        // a large batch (a bulk load), where it saves the window over the batch.
        var (unique, fresh) = rows > NewKeysCheckRows ? Keys(schema, source) : (false, false);
        if (unique && fresh)
        {
            // Every key is new and appears once (a first load): a plain insert, with no window over the batch.
            Execute(_writer, $"INSERT INTO {target} ({columns}) SELECT {columns} FROM {source}");
            return;
        }
        var key = string.Join(", ", schema.Key.Select(Quote));
        var on = string.Join(" AND ", schema.Key.Select(k => $"{target}.{Quote(k)} = s.{Quote(k)}"));
        Execute(_writer, $"DELETE FROM {target} USING (SELECT DISTINCT {key} FROM {source}) s WHERE {on}");
        // Latest in the batch wins: one row per key, the one appended last. A batch whose keys appear once each (a
        // file loaded again, a catalog refresh) needs no window: over 1.4M products it held every row with all its
        // columns and ran out of the 512 MB buffer pool, where the plain insert streams. Nor does one whose keys repeat:
        // the latest _seq of each key is an aggregate of the key and _seq only, and the rows stream past it (a bulk
        // load's staged rows, which the Parquet writer reads meanwhile and so cannot be thinned first as
        // KeepLatestStaged does; the window ran a 1M-row file of 200 000 keys out of a 160 MB pool).
        Execute(_writer, unique
            ? $"INSERT INTO {target} ({columns}) SELECT {columns} FROM {source}"
            : $"INSERT INTO {target} ({columns}) SELECT {columns} FROM {source} WHERE _seq IN (SELECT max(_seq) FROM {source} GROUP BY {key})");
    }

    private const long NewKeysCheckRows = 50_000;

    /// <summary>Deletes from a large batch's own stage every row a later row of its key replaces (latest in batch wins),
    /// so that <see cref="MergeInto"/> finds its keys distinct and inserts without the window, which held every row
    /// with all its columns: 100 000 wide products with repeated keys ran a 32 MB pool out of memory, as 1.4M did the
    /// default 512 MB. The delete reads only the key and <c>_seq</c>. So does a join of the staged rows to their key's
    /// latest <c>_seq</c> in an INSERT in principle, but its scan takes every column and, on two threads, ran out of the
    /// 32 MB pool too.</summary>
    private void KeepLatestStaged(DatasetSchema schema, string stage)
    {
        var key = string.Join(", ", schema.Key.Select(Quote));
        var on = string.Join(" AND ", schema.Key.Select(k => $"s.{Quote(k)} IS NOT DISTINCT FROM l.{Quote(k)}"));
        Execute(_writer, $"""
            DELETE FROM temp.main.{Quote(stage)} s
            USING (SELECT {key}, max(_seq) AS _latest FROM temp.main.{Quote(stage)} GROUP BY {key}) l
            WHERE {on} AND s._seq < l._latest
            """);
    }

    /// <summary>Whether each key of the batch appears once in it, and whether none is in the table yet.</summary>
    private (bool Unique, bool Fresh) Keys(DatasetSchema schema, string source)
    {
        var key = string.Join(", ", schema.Key.Select(Quote));
        var on = string.Join(" AND ", schema.Key.Select(k => $"t.{Quote(k)} = s.{Quote(k)}"));
        using var cmd = _writer.CreateCommand();
        cmd.CommandText = $"""
            SELECT (SELECT count(*) FROM {source}) = (SELECT count(*) FROM (SELECT DISTINCT {key} FROM {source})),
                   NOT EXISTS (SELECT 1 FROM {source} s JOIN {Quote(schema.Name)} t ON {on})
            """;
        using var reader = cmd.ExecuteReader();
        reader.Read();
        return (reader.GetBoolean(0), reader.GetBoolean(1));
    }

    /// <summary>A fresh staging table for one commit's rows. Made anew each time rather than emptied: DuckDB never
    /// reclaims a temp table's deleted rows (temp tables are not checkpointed), so a stage emptied with DELETE kept
    /// every row ever staged as a deleted version, and each commit's scan of it, and the process's memory, grew with
    /// them (1 200-row commits: 6 ms each at first, 16 ms after 3 000, 430 MiB against 130).</summary>
    private string CreateStage(DatasetSchema schema)
    {
        var stage = StageName(schema.Name);
        var columns = schema.Columns.Select(c => $"{Quote(c.Name)} {TypeOf(c.Type)}")
            .Append("_source VARCHAR").Append("_loaded_at TIMESTAMP").Append("_seq BIGINT");
        Execute(_writer, $"CREATE OR REPLACE TEMP TABLE {Quote(stage)} ({string.Join(", ", columns)})");
        return stage;
    }

    private static string StageName(string dataset) => "_stage_" + dataset;

    private void WriteOffsets(WarehouseBatch batch, DateTime updatedAt)
    {
        if (batch.NextOffsets.Count == 0)
        {
            return;
        }
        // One statement for every partition: a batch spans up to every partition of every topic, and each statement
        // costs DuckDB a parse, plan and index update, which showed in the commit time (and so in freshness). An UPDATE
        // of the existing rows (the usual case: the partitions were seen before) leaves the key index alone; INSERT OR
        // REPLACE deleted and re-inserted each key, and cost a stream batch 7 ms of CPU against about 2.
        using var cmd = _writer.CreateCommand();
        var rows = new List<string>(batch.NextOffsets.Count);
        cmd.Parameters.Add(new DuckDBParameter(batch.Group));
        cmd.Parameters.Add(new DuckDBParameter(updatedAt));
        foreach (var (partition, next) in batch.NextOffsets)
        {
            var at = cmd.Parameters.Count;
            cmd.Parameters.Add(new DuckDBParameter(partition.Topic));
            cmd.Parameters.Add(new DuckDBParameter(partition.Partition));
            cmd.Parameters.Add(new DuckDBParameter(next));
            rows.Add($"(${at + 1}, ${at + 2}::INTEGER, ${at + 3}::BIGINT)");
        }
        var values = string.Join(", ", rows);
        cmd.CommandText = $"""
            UPDATE {OffsetsTable} SET next_offset = v.next_offset, updated_at = $2
            FROM (VALUES {values}) v(topic, "partition", next_offset)
            WHERE {OffsetsTable}.group_name = $1 AND {OffsetsTable}.topic = v.topic AND {OffsetsTable}."partition" = v."partition"
            """;
        if (cmd.ExecuteNonQuery() == batch.NextOffsets.Count)
        {
            return;
        }
        cmd.CommandText = $"""
            INSERT OR REPLACE INTO {OffsetsTable} (group_name, topic, "partition", next_offset, updated_at)
            SELECT $1, topic, "partition", next_offset, $2 FROM (VALUES {values}) v(topic, "partition", next_offset)
            """;
        cmd.ExecuteNonQuery();
    }
}
