using Emporium.Datasets;
using Emporium.Log;
using Emporium.Marts;
using Npgsql;
using static Emporium.Warehouse.Postgres.PostgresSql;

namespace Emporium.Warehouse.Postgres;

/// <summary>The scale-out warehouse: PostgreSQL through Npgsql. Every operation takes a pooled connection, so several
/// processes (and threads) write and read at once; commits of one consumer group are serialized by a transaction-level
/// advisory lock so offset fencing holds across processes.</summary>
public sealed partial class PostgresWarehouse : IWarehouse
{
    private readonly PostgresWarehouseOptions _options;
    private readonly NpgsqlDataSource _source;
    private readonly TimeProvider _time;
    private string? _readerRole;

    public PostgresWarehouse(PostgresWarehouseOptions options, TimeProvider? time = null)
    {
        _options = options;
        _time = time ?? TimeProvider.System;
        // A user query's array_agg over a nullable column must read as an array with nulls, not fail.
        _source = NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(options.ConnectionString) { ArrayNullabilityMode = ArrayNullabilityMode.PerInstance });
        var b = new NpgsqlConnectionStringBuilder(options.ConnectionString);
        Describe = $"postgres://{b.Username}@{b.Host}:{b.Port}/{b.Database}";
    }

    public SqlDialect Dialect => SqlDialect.Postgres;

    public string Describe { get; }

    /// <summary>The lease that lets one scheduler among the processes sharing this database run DAGs.</summary>
    public Orchestration.ISchedulerLease CreateSchedulerLease() => new PostgresSchedulerLease(_options.ConnectionString, _time);

    /// <summary>The role user queries run as, or null when the configured user cannot use one.</summary>
    public string? ReaderRole => _readerRole;

    /// <summary>Opens one connection so a wrong host, password or database surfaces now, not at the first commit.</summary>
    public async Task CheckConnectionAsync(CancellationToken ct)
    {
        await using var connection = await _source.OpenConnectionAsync(ct).ConfigureAwait(false);
    }

    public async Task InitializeAsync(IReadOnlyList<DatasetSchema> datasets, CancellationToken ct)
    {
        await using var connection = await _source.OpenConnectionAsync(ct).ConfigureAwait(false);
        await using var tx = await connection.BeginTransactionAsync(ct).ConfigureAwait(false);
        // Two processes starting together must not race on CREATE TABLE IF NOT EXISTS (it is not atomic in PostgreSQL).
        await ExecuteAsync(connection, "SELECT pg_advisory_xact_lock(hashtext('emporium:schema'))", ct).ConfigureAwait(false);
        await ExecuteAsync(connection, $"""
            CREATE TABLE IF NOT EXISTS {OffsetsTable} (
                group_name TEXT NOT NULL, topic TEXT NOT NULL, "partition" INTEGER NOT NULL,
                next_offset BIGINT NOT NULL, updated_at TIMESTAMP NOT NULL,
                PRIMARY KEY (group_name, topic, "partition"))
            """, ct).ConfigureAwait(false);
        await ExecuteAsync(connection, IngestClaim.CreateTableSql(SqlDialect.Postgres), ct).ConfigureAwait(false);
        foreach (var schema in datasets)
        {
            await EnsureTableAsync(connection, schema, ct).ConfigureAwait(false);
        }
        var present = await TableNamesAsync(connection, ct).ConfigureAwait(false);
        foreach (var mart in MartCatalog.All.Where(m => !m.BackedByTable && m.DependsOn.All(present.Contains)))
        {
            // DROP + CREATE rather than CREATE OR REPLACE: a changed column type cannot be replaced in place. CASCADE
            // because marts read other marts (clean_orders); the catalog lists a view before its readers, so every
            // view dropped here is created again further down this loop, in the same transaction.
            await ExecuteAsync(connection, $"DROP VIEW IF EXISTS {Quote(mart.Name)} CASCADE", ct).ConfigureAwait(false);
            await ExecuteAsync(connection, $"CREATE VIEW {Quote(mart.Name)} AS {mart.ViewSql(SqlDialect.Postgres)}", ct).ConfigureAwait(false);
        }
        await tx.CommitAsync(ct).ConfigureAwait(false);
        _readerRole = await EnsureReaderRoleAsync(connection, ct).ConfigureAwait(false);
    }

    private static async Task EnsureTableAsync(NpgsqlConnection connection, DatasetSchema schema, CancellationToken ct)
    {
        var columns = schema.Columns.Select(c => $"{Quote(c.Name)} {TypeOf(c.Type)}{(schema.Key.Contains(c.Name) ? " NOT NULL" : "")}")
            .Append("_source TEXT")
            .Append("_loaded_at TIMESTAMP");
        var key = schema.Mode == WriteMode.Upsert && schema.Key.Count > 0
            ? $", PRIMARY KEY ({string.Join(", ", schema.Key.Select(Quote))})"
            : "";
        await ExecuteAsync(connection, $"CREATE TABLE IF NOT EXISTS {Quote(schema.Name)} ({string.Join(", ", columns)}{key})", ct).ConfigureAwait(false);
        // A column added to the contract later is added to an existing table (nullable), never dropped.
        foreach (var column in schema.Columns)
        {
            await ExecuteAsync(connection, $"ALTER TABLE {Quote(schema.Name)} ADD COLUMN IF NOT EXISTS {Quote(column.Name)} {TypeOf(column.Type)}", ct).ConfigureAwait(false);
        }
    }

    private static async Task<HashSet<string>> TableNamesAsync(NpgsqlConnection connection, CancellationToken ct)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        await using var cmd = new NpgsqlCommand("SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'", connection);
        await using var reader = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
        while (await reader.ReadAsync(ct).ConfigureAwait(false))
        {
            names.Add(reader.GetString(0));
        }
        return names;
    }

    public async Task<IReadOnlyDictionary<TopicPartition, long>> GetOffsetsAsync(string group, CancellationToken ct)
    {
        await using var connection = await _source.OpenConnectionAsync(ct).ConfigureAwait(false);
        return await ReadOffsetsAsync(connection, group, ct).ConfigureAwait(false);
    }

    private static async Task<Dictionary<TopicPartition, long>> ReadOffsetsAsync(NpgsqlConnection connection, string group, CancellationToken ct)
    {
        var result = new Dictionary<TopicPartition, long>();
        await using var cmd = new NpgsqlCommand($"SELECT topic, \"partition\", next_offset FROM {OffsetsTable} WHERE group_name = $1", connection);
        cmd.Parameters.Add(new NpgsqlParameter { Value = group });
        await using var reader = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
        while (await reader.ReadAsync(ct).ConfigureAwait(false))
        {
            result[new TopicPartition(reader.GetString(0), reader.GetInt32(1))] = reader.GetInt64(2);
        }
        return result;
    }

    public async Task<int> ExecuteAsync(string sql, CancellationToken ct)
    {
        await using var connection = await _source.OpenConnectionAsync(ct).ConfigureAwait(false);
        return await ExecuteAsync(connection, sql, ct).ConfigureAwait(false);
    }

    public async Task<QueryResult> QueryAsync(string sql, CancellationToken ct)
    {
        await using var connection = await _source.OpenConnectionAsync(ct).ConfigureAwait(false);
        await using var cmd = new NpgsqlCommand(sql, connection);
        return await PostgresResults.ReadAsync(cmd, int.MaxValue, ct).ConfigureAwait(false);
    }

    private static async Task<int> ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(sql, connection);
        return await cmd.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
    }

    public ValueTask DisposeAsync() => _source.DisposeAsync();
}
