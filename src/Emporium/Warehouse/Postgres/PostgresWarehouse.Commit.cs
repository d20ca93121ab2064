using Emporium.Datasets;
using Npgsql;
using static Emporium.Warehouse.Postgres.PostgresSql;

namespace Emporium.Warehouse.Postgres;

public sealed partial class PostgresWarehouse
{
    /// <summary>Test seam: called with a step name ("rows", "offsets") inside the open transaction.</summary>
    internal Action<string>? FaultInjection { get; set; }

    public async Task CommitAsync(WarehouseBatch batch, CancellationToken ct)
    {
        try
        {
            await CommitRowsAsync(batch, ct).ConfigureAwait(false);
        }
        catch (PostgresException e) when (IsRefusal(e))
        {
            throw Refused(e);
        }
    }

    private static RowsRefusedException Refused(PostgresException e) => new(e.MessageText, e.ColumnName, e);

    /// <summary>Errors of the data itself: class 22 (data exception: a value out of range, a character the encoding
    /// cannot hold), class 23 (a constraint, e.g. one an operator added) and class 54 (a limit, e.g. a key too long
    /// for its index). Connection, lock and server errors are not: those batches are retried as they are.</summary>
    private static bool IsRefusal(PostgresException e) =>
        e.SqlState.StartsWith("22", StringComparison.Ordinal)
        || e.SqlState.StartsWith("23", StringComparison.Ordinal)
        || e.SqlState.StartsWith("54", StringComparison.Ordinal);

    private async Task CommitRowsAsync(WarehouseBatch batch, CancellationToken ct)
    {
        await using var connection = await _source.OpenConnectionAsync(ct).ConfigureAwait(false);
        await using var tx = await connection.BeginTransactionAsync(ct).ConfigureAwait(false);
        // One writer per consumer group at a time, across processes: the fence check and the offset write cannot
        // interleave with another processor's.
        await using (var lockCmd = new NpgsqlCommand("SELECT pg_advisory_xact_lock(hashtext($1))", connection))
        {
            lockCmd.Parameters.Add(new NpgsqlParameter { Value = "emporium:group:" + batch.Group });
            await lockCmd.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }
        await CheckExpectedOffsetsAsync(connection, batch, ct).ConfigureAwait(false);
        await DeleteReplacedAsync(connection, batch, ct).ConfigureAwait(false);
        var loadedAt = DateTime.SpecifyKind(_time.GetUtcNow().UtcDateTime, DateTimeKind.Unspecified);
        foreach (var group in batch.Rows.GroupBy(r => r.Schema.Name, StringComparer.Ordinal))
        {
            await WriteRowsAsync(connection, group.First().Schema, group.ToList(), loadedAt, ct).ConfigureAwait(false);
        }
        FaultInjection?.Invoke("rows");
        await WriteOffsetsAsync(connection, batch, loadedAt, ct).ConfigureAwait(false);
        FaultInjection?.Invoke("offsets");
        await tx.CommitAsync(ct).ConfigureAwait(false);
    }

    private static async Task CheckExpectedOffsetsAsync(NpgsqlConnection connection, WarehouseBatch batch, CancellationToken ct)
    {
        if (batch.ExpectedOffsets is not { Count: > 0 } expected)
        {
            return;
        }
        var stored = await ReadOffsetsAsync(connection, batch.Group, ct).ConfigureAwait(false);
        foreach (var (partition, offset) in expected)
        {
            var actual = stored.GetValueOrDefault(partition, 0);
            if (actual != offset)
            {
                throw new OffsetConflictException(partition, offset, actual);
            }
        }
    }

    private static async Task DeleteReplacedAsync(NpgsqlConnection connection, WarehouseBatch batch, CancellationToken ct)
    {
        if (batch.ReplaceSource is { } replace)
        {
            foreach (var schema in batch.Rows.Select(r => r.Schema).DistinctBy(s => s.Name))
            {
                await DeleteSourcesAsync(connection, schema, [replace], ct).ConfigureAwait(false);
            }
        }
        if (batch.DeleteSources is { Count: > 0 } sources)
        {
            foreach (var schema in (batch.DeleteFrom ?? batch.Rows.Select(r => r.Schema).ToList()).DistinctBy(s => s.Name))
            {
                await DeleteSourcesAsync(connection, schema, sources, ct).ConfigureAwait(false);
            }
        }
    }

    private static async Task DeleteSourcesAsync(NpgsqlConnection connection, DatasetSchema schema, IReadOnlyList<string> sources, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand($"DELETE FROM {Quote(schema.Name)} WHERE _source = ANY($1)", connection);
        cmd.Parameters.Add(new NpgsqlParameter { Value = sources.ToArray() });
        await cmd.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
    }

    /// <summary>Rows into a temp table dropped at commit (binary COPY by default), then one set-based statement
    /// into the target: far fewer round trips than row inserts into the target, and the upsert sees the whole batch
    /// so the latest record per key wins.</summary>
    private async Task WriteRowsAsync(NpgsqlConnection connection, DatasetSchema schema, IReadOnlyList<DatasetRows> parts, DateTime loadedAt, CancellationToken ct)
    {
        if (parts.All(p => p.Records.Count == 0))
        {
            return;
        }
        var stage = Quote("_stage_" + schema.Name);
        var columnDefs = schema.Columns.Select(c => $"{Quote(c.Name)} {TypeOf(c.Type)}")
            .Append("_source TEXT").Append("_loaded_at TIMESTAMP").Append("_seq BIGINT");
        await ExecuteAsync(connection, $"CREATE TEMP TABLE {stage} ({string.Join(", ", columnDefs)}) ON COMMIT DROP", ct).ConfigureAwait(false);
        var names = schema.Columns.Select(c => Quote(c.Name)).Append("_source").Append("_loaded_at").ToList();
        await FillStageAsync(connection, _options.LoadMethod, stage, [.. names, "_seq"], schema, parts, loadedAt, ct).ConfigureAwait(false);
        var columns = string.Join(", ", names);
        var target = Quote(schema.Name);
        string sql;
        if (schema.Mode == WriteMode.Upsert && schema.Key.Count > 0)
        {
            var key = string.Join(", ", schema.Key.Select(Quote));
            var updates = string.Join(", ", names.Where(n => !schema.Key.Select(Quote).Contains(n)).Select(n => $"{n} = EXCLUDED.{n}"));
            // DISTINCT ON keeps the last record per key (highest _seq), since ON CONFLICT cannot touch a row twice.
            sql = $"INSERT INTO {target} ({columns}) SELECT DISTINCT ON ({key}) {columns} FROM {stage} ORDER BY {key}, _seq DESC " +
                  $"ON CONFLICT ({key}) DO UPDATE SET {updates}";
        }
        else
        {
            sql = $"INSERT INTO {target} ({columns}) SELECT {columns} FROM {stage} ORDER BY _seq";
        }
        await ExecuteAsync(connection, sql, ct).ConfigureAwait(false);
        await ExecuteAsync(connection, $"DROP TABLE {stage}", ct).ConfigureAwait(false);
    }

    private static async Task WriteOffsetsAsync(NpgsqlConnection connection, WarehouseBatch batch, DateTime updatedAt, CancellationToken ct)
    {
        if (batch.NextOffsets.Count == 0)
        {
            return;
        }
        await using var cmd = new NpgsqlCommand($"""
            INSERT INTO {OffsetsTable} (group_name, topic, "partition", next_offset, updated_at)
            SELECT $1, t, p, o, $5 FROM unnest($2::text[], $3::int[], $4::bigint[]) AS u(t, p, o)
            ON CONFLICT (group_name, topic, "partition") DO UPDATE SET next_offset = EXCLUDED.next_offset, updated_at = EXCLUDED.updated_at
            """, connection);
        var offsets = batch.NextOffsets.ToList();
        cmd.Parameters.Add(new NpgsqlParameter { Value = batch.Group });
        cmd.Parameters.Add(new NpgsqlParameter { Value = offsets.Select(o => o.Key.Topic).ToArray() });
        cmd.Parameters.Add(new NpgsqlParameter { Value = offsets.Select(o => o.Key.Partition).ToArray() });
        cmd.Parameters.Add(new NpgsqlParameter { Value = offsets.Select(o => o.Value).ToArray() });
        cmd.Parameters.Add(new NpgsqlParameter { Value = updatedAt, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Timestamp });
        await cmd.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
    }
}
