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

    public async Task<string?> PingAsync(CancellationToken ct)
    {
        try
        {
            await using var connection = await _source.OpenConnectionAsync(ct).ConfigureAwait(false);
            await using var cmd = new NpgsqlCommand("SELECT 1", connection);
            await cmd.ExecuteScalarAsync(ct).ConfigureAwait(false);
            return null;
        }
        catch (Exception e) when (PostgresWarehouseBackendFactory.Explain(e) is { } reason)
        {
            return $"{Describe} does not answer: {reason}";
        }
    }

    public string? DescribeOutage(Exception error) => PostgresOutage.Explain(error) is { } reason ? $"{Describe} does not answer: {reason}" : null;

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
