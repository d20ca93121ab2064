using DuckDB.NET.Data;
using Emporium.Datasets;
using Emporium.Log;
using Emporium.Marts;
using static Emporium.Warehouse.DuckDb.DuckDbSql;

namespace Emporium.Warehouse.DuckDb;

/// <summary>The embedded warehouse: one DuckDB file. Writes go through a single writer connection (DuckDB allows
/// one writing process, and one connection keeps commits strictly ordered); reads each open their own connection
/// to the same in-process database instance, so dashboards and user queries never wait behind a commit.</summary>
public sealed partial class DuckDbWarehouse : IWarehouse
{
    private readonly DuckDbWarehouseOptions _options;
    private readonly string _connectionString;
    private readonly DuckDBConnection _writer;
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly DuckDbThreads _threads;
    private readonly DuckDbIdleCheckpoint? _idleCheckpoint;
    private readonly string _walPath;
    private readonly Dictionary<string, DatasetSchema> _datasets = new(StringComparer.Ordinal);
    private readonly TimeProvider _time;
    private bool _disposed;

    public DuckDbWarehouse(DuckDbWarehouseOptions options, TimeProvider? time = null)
    {
        _options = options;
        _time = time ?? TimeProvider.System;
        var full = System.IO.Path.GetFullPath(options.Path);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(full)!);
        // DuckDB.NET shares one database instance between connections opened with the same data source in a
        // process, which is what lets readers see the writer's commits without a second file lock.
        _connectionString = $"Data Source={full}";
        _writer = new DuckDBConnection(_connectionString);
        _writer.Open();
        if (options.MemoryLimit is { } limit)
        {
            // A global setting: it bounds the one database instance every connection of this file shares.
            Execute(_writer, $"SET memory_limit = {Literal(limit)}");
        }
        if (options.CheckpointThreshold is { } threshold)
        {
            Execute(_writer, $"SET checkpoint_threshold = {Literal(threshold)}");
        }
        _threads = new DuckDbThreads(_connectionString, options.Threads, options.CommitThreads, TimeSpan.FromSeconds(1), _time);
        _walPath = full + ".wal";
        if (options.IdleCheckpointAfter > TimeSpan.Zero)
        {
            _idleCheckpoint = new DuckDbIdleCheckpoint(options.IdleCheckpointAfter, _time, TryIdleCheckpoint);
        }
        Describe = $"duckdb:{full}";
    }

    public SqlDialect Dialect => SqlDialect.DuckDb;

    /// <summary>The settings it runs with (the address's parameters applied).</summary>
    internal DuckDbWarehouseOptions Options => _options;

    public string Describe { get; }

    public async Task InitializeAsync(IReadOnlyList<DatasetSchema> datasets, CancellationToken ct)
    {
        await _writeLock.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            Execute(_writer, $"""
                CREATE TABLE IF NOT EXISTS {OffsetsTable} (
                    group_name VARCHAR NOT NULL, topic VARCHAR NOT NULL, "partition" INTEGER NOT NULL,
                    next_offset BIGINT NOT NULL, updated_at TIMESTAMP NOT NULL,
                    PRIMARY KEY (group_name, topic, "partition"))
                """);
            Execute(_writer, IngestClaim.CreateTableSql(SqlDialect.DuckDb));
            foreach (var schema in datasets)
            {
                EnsureTable(schema);
                _datasets[schema.Name] = schema;
            }
            var present = _datasets.Keys.ToHashSet(StringComparer.Ordinal);
            foreach (var mart in MartCatalog.All.Where(m => !m.BackedByTable && m.DependsOn.All(present.Contains)))
            {
                Execute(_writer, $"CREATE OR REPLACE VIEW {Quote(mart.Name)} AS {mart.ViewSql(SqlDialect.DuckDb)}");
            }
        }
        finally
        {
            _writeLock.Release();
        }
    }

    /// <summary>Creates the dataset's table, or brings an existing one up to the contract. Keyed tables have NOT NULL
    /// key columns but no PRIMARY KEY: DuckDB holds an ART index in memory while it is built or changed, so a key over
    /// millions of rows would bound the size of a load by the memory limit (a 14M-row product file did not load in
    /// 512 MB), and the index makes every bulk insert slower. <see cref="MergeInto"/>, on the single writer, keeps one
    /// row per key instead.</summary>
    private void EnsureTable(DatasetSchema schema)
    {
        var columns = schema.Columns.Select(c => $"{Quote(c.Name)} {TypeOf(c.Type)}{(schema.Key.Contains(c.Name) ? " NOT NULL" : "")}")
            .Append("_source VARCHAR")
            .Append("_loaded_at TIMESTAMP");
        Execute(_writer, $"CREATE TABLE IF NOT EXISTS {Quote(schema.Name)} ({string.Join(", ", columns)})");
        DropPrimaryKey(schema);

        // A column added to the contract later is added to an existing table (nullable), never dropped.
        var existing = new HashSet<string>(StringComparer.Ordinal);
        using (var cmd = _writer.CreateCommand())
        {
            cmd.CommandText = $"SELECT column_name FROM duckdb_columns() WHERE database_name = current_database() AND schema_name = 'main' AND table_name = {Literal(schema.Name)}";
            using var reader = cmd.ExecuteReader();
            while (reader.Read())
            {
                existing.Add(reader.GetString(0));
            }
        }
        foreach (var column in schema.Columns.Where(c => !existing.Contains(c.Name)))
        {
            Execute(_writer, $"ALTER TABLE {Quote(schema.Name)} ADD COLUMN {Quote(column.Name)} {TypeOf(column.Type)}");
        }
    }

    /// <summary>A table made by an earlier version has a PRIMARY KEY: it is rebuilt once without it (same rows and
    /// columns, key columns still NOT NULL), in one transaction.</summary>
    private void DropPrimaryKey(DatasetSchema schema)
    {
        using (var cmd = _writer.CreateCommand())
        {
            cmd.CommandText = $"SELECT count(*) FROM duckdb_constraints() WHERE database_name = current_database() AND schema_name = 'main' AND table_name = {Literal(schema.Name)} AND constraint_type = 'PRIMARY KEY'";
            if (Convert.ToInt64(cmd.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture) == 0)
            {
                return;
            }
        }
        var table = Quote(schema.Name);
        var rebuilt = Quote("_rebuild_" + schema.Name);
        using var tx = _writer.BeginTransaction();
        Execute(_writer, $"CREATE TABLE {rebuilt} AS SELECT * FROM {table}");
        foreach (var key in schema.Key)
        {
            Execute(_writer, $"ALTER TABLE {rebuilt} ALTER COLUMN {Quote(key)} SET NOT NULL");
        }
        Execute(_writer, $"DROP TABLE {table}");
        Execute(_writer, $"ALTER TABLE {rebuilt} RENAME TO {table}");
        tx.Commit();
    }

    public async Task<IReadOnlyDictionary<TopicPartition, long>> GetOffsetsAsync(string group, CancellationToken ct)
    {
        await using var connection = await OpenReaderAsync(ct).ConfigureAwait(false);
        return ReadOffsets(connection, group);
    }

    private static Dictionary<TopicPartition, long> ReadOffsets(DuckDBConnection connection, string group)
    {
        var result = new Dictionary<TopicPartition, long>();
        using var cmd = connection.CreateCommand();
        cmd.CommandText = $"SELECT topic, \"partition\", next_offset FROM {OffsetsTable} WHERE group_name = $1";
        cmd.Parameters.Add(new DuckDBParameter(group));
        using var reader = cmd.ExecuteReader();
        while (reader.Read())
        {
            result[new TopicPartition(reader.GetString(0), reader.GetInt32(1))] = reader.GetInt64(2);
        }
        return result;
    }

    public async Task<int> ExecuteAsync(string sql, CancellationToken ct)
    {
        using var parallel = _threads.Enter();
        await _writeLock.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            using var cmd = _writer.CreateCommand();
            cmd.CommandText = sql;
            await using var reg = ct.Register(cmd.Cancel);
            return cmd.ExecuteNonQuery();
        }
        finally
        {
            _writeLock.Release();
            _idleCheckpoint?.Touch();
        }
    }

    /// <summary>Checkpoints run while the writer was idle (<see cref="DuckDbWarehouseOptions.IdleCheckpointAfter"/>).</summary>
    public long IdleCheckpoints => Interlocked.Read(ref _idleCheckpoints);

    private long _idleCheckpoints;

    /// <summary>Size of DuckDB's write-ahead log: what the next checkpoint folds in, or a start after a crash replays.</summary>
    public long WriteAheadLogBytes
    {
        get
        {
            var wal = new FileInfo(_walPath);
            return wal.Exists ? wal.Length : 0;
        }
    }

    /// <summary>Rows the writer's staging table for <paramref name="dataset"/> stores, deleted ones included (a
    /// diagnostic: they must not accumulate over a long-running processor's commits); 0 before its first commit.</summary>
    internal long StagedRowVersions(string dataset)
    {
        _writeLock.Wait();
        try
        {
            var table = StageName(dataset);
            using var cmd = _writer.CreateCommand();
            cmd.CommandText = $"SELECT count(*) FROM duckdb_tables() WHERE temporary AND table_name = {DuckDbSql.Literal(table)}";
            if (Convert.ToInt64(cmd.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture) == 0)
            {
                return 0;
            }
            cmd.CommandText = $"SELECT CAST(coalesce(sum(\"count\"), 0) AS BIGINT) FROM pragma_storage_info({DuckDbSql.Literal("temp.main." + table)}) WHERE column_path = '[0]'";
            return Convert.ToInt64(cmd.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    /// <summary>The idle checkpoint: false when DuckDB refused because a reader's transaction was open.</summary>
    private bool TryIdleCheckpoint()
    {
        if (WriteAheadLogBytes < _options.IdleCheckpointMinWalBytes || !_writeLock.Wait(0))
        {
            return true; // a write in progress re-arms the timer when it ends
        }
        try
        {
            if (_disposed)
            {
                return true;
            }
            using var parallel = _threads.Enter();
            Execute(_writer, "CHECKPOINT");
            Interlocked.Increment(ref _idleCheckpoints);
            return true;
        }
        catch (DuckDBException)
        {
            return false;
        }
        finally
        {
            _writeLock.Release();
        }
    }

    public async Task<QueryResult> QueryAsync(string sql, CancellationToken ct)
    {
        using var parallel = _threads.Enter();
        await using var connection = await OpenReaderAsync(ct).ConfigureAwait(false);
        using var cmd = connection.CreateCommand();
        cmd.CommandText = sql;
        return DuckDbResults.Read(cmd, int.MaxValue, ct);
    }

    /// <summary>Runs trusted SQL with positional parameters ($1, $2…) on a reader connection.</summary>
    public async Task<QueryResult> QueryAsync(string sql, IReadOnlyList<object?> parameters, CancellationToken ct)
    {
        using var parallel = _threads.Enter();
        await using var connection = await OpenReaderAsync(ct).ConfigureAwait(false);
        using var cmd = connection.CreateCommand();
        cmd.CommandText = sql;
        foreach (var p in parameters)
        {
            cmd.Parameters.Add(new DuckDBParameter(p ?? DBNull.Value));
        }
        return DuckDbResults.Read(cmd, int.MaxValue, ct);
    }

    private async Task<DuckDBConnection> OpenReaderAsync(CancellationToken ct)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var connection = new DuckDBConnection(_connectionString);
        await connection.OpenAsync(ct).ConfigureAwait(false);
        return connection;
    }

    private static void Execute(DuckDBConnection connection, string sql)
    {
        using var cmd = connection.CreateCommand();
        cmd.CommandText = sql;
        cmd.ExecuteNonQuery();
    }

    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }
        _idleCheckpoint?.Dispose();
        await _writeLock.WaitAsync().ConfigureAwait(false);
        try
        {
            // Looked at again under the lock: a second disposal racing the first would checkpoint a closed writer.
            if (_disposed)
            {
                return;
            }
            _disposed = true;
            // A checkpoint folds the WAL into the file so the next start does not replay it.
            try
            {
                Execute(_writer, "CHECKPOINT");
            }
            catch (DuckDBException)
            {
                // A reader still holding a transaction can block the checkpoint; the WAL replays on next open.
            }
            await _writer.DisposeAsync().ConfigureAwait(false);
            _threads.Dispose();
        }
        finally
        {
            _writeLock.Release();
        }
    }
}
