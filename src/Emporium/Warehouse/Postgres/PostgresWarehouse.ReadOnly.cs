using System.Globalization;
using Npgsql;
using static Emporium.Warehouse.Postgres.PostgresSql;

namespace Emporium.Warehouse.Postgres;

public sealed partial class PostgresWarehouse
{
    public async Task<QueryResult> QueryReadOnlyAsync(string sql, int maxRows, CancellationToken ct)
    {
        if (QueryRejectedException.Precheck(sql) is { } refused)
        {
            throw refused;
        }
        if (PostgresQueryGuard.Check(sql, out var statement) is { } reason)
        {
            throw QueryRejectedException.Refusal(reason);
        }
        var limit = maxRows > 0 ? maxRows : _options.DefaultMaxRows;
        await using var connection = await _source.OpenConnectionAsync(ct).ConfigureAwait(false);
        try
        {
            var setup = "SET TRANSACTION READ ONLY" + (_readerRole is { } role ? $"; SET LOCAL ROLE {Quote(role)}" : "");
            // The row cap is applied by the server, so a huge result is never streamed just to be dropped.
            return await ReadWithinTimeLimitAsync(connection, setup, $"SELECT * FROM ({statement}\n) AS _q LIMIT {limit + 1}", limit, _options.MaxResultBytes, ct)
                .ConfigureAwait(false);
        }
        catch (PostgresException e) when (PostgresOutage.Explain(e) is null)
        {
            // The query's own error (a typo, a missing table); a server going down is not the query's fault.
            throw new QueryRejectedException(e.MessageText + (e.Hint is { Length: > 0 } hint ? $" ({hint})" : ""), e);
        }
    }

    public async Task<QueryResult> QueryTimedAsync(string sql, CancellationToken ct)
    {
        await using var connection = await _source.OpenConnectionAsync(ct).ConfigureAwait(false);
        return await ReadWithinTimeLimitAsync(connection, null, sql, int.MaxValue, long.MaxValue, ct).ConfigureAwait(false);
    }

    /// <summary>Reads <paramref name="sql"/> in a transaction of its own that runs <paramref name="setup"/> first and
    /// stops at <see cref="PostgresWarehouseOptions.QueryTimeout"/>, which is then a <see cref="QueryRejectedException"/>
    /// saying so. The transaction is rolled back: a read has nothing to keep.</summary>
    private async Task<QueryResult> ReadWithinTimeLimitAsync(NpgsqlConnection connection, string? setup, string sql, int maxRows, long maxBytes, CancellationToken ct)
    {
        await using var tx = await connection.BeginTransactionAsync(ct).ConfigureAwait(false);
        try
        {
            // SET TRANSACTION must come before anything else the transaction runs.
            var limit = $"SET LOCAL statement_timeout = {((long)_options.QueryTimeout.TotalMilliseconds).ToString(CultureInfo.InvariantCulture)}";
            await ExecuteAsync(connection, setup is null ? limit : $"{setup}; {limit}", ct).ConfigureAwait(false);
            await using var cmd = new NpgsqlCommand(sql, connection)
            {
                CommandTimeout = ClientTimeoutSeconds(_options.QueryTimeout),
            };
            var result = await PostgresResults.ReadAsync(cmd, maxRows, ct, maxBytes).ConfigureAwait(false);
            await tx.RollbackAsync(ct).ConfigureAwait(false);
            return result;
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.QueryCanceled && !ct.IsCancellationRequested)
        {
            throw QueryRejectedException.TimeLimit(_options.QueryTimeout, e);
        }
    }

    /// <summary>The time limit is the server's <c>statement_timeout</c>, which cancels the query and leaves the
    /// connection usable. Npgsql's own command timeout (30 s by default, the same as the limit) must fire only when the
    /// server itself stops answering, or it races the server and the caller gets a broken read instead of the
    /// time-limit refusal.</summary>
    private static int ClientTimeoutSeconds(TimeSpan queryTimeout) =>
        queryTimeout <= TimeSpan.Zero ? 0 : (int)Math.Ceiling(queryTimeout.TotalSeconds) + ClientTimeoutGraceSeconds;

    private const int ClientTimeoutGraceSeconds = 10;

    /// <summary>Creates (once per cluster) the NOLOGIN role user queries assume, grants it SELECT on this schema's
    /// tables and views, and proves the configured user can switch to it. Returns null when any step is not
    /// permitted: queries then run as the configured user behind the statement checks.</summary>
    private async Task<string?> EnsureReaderRoleAsync(NpgsqlConnection connection, CancellationToken ct)
    {
        var role = Quote(_options.ReaderRole);
        try
        {
            await using (var exists = new NpgsqlCommand("SELECT 1 FROM pg_roles WHERE rolname = $1", connection))
            {
                exists.Parameters.Add(new NpgsqlParameter { Value = _options.ReaderRole });
                if (await exists.ExecuteScalarAsync(ct).ConfigureAwait(false) is null)
                {
                    try
                    {
                        await ExecuteAsync(connection, $"CREATE ROLE {role} NOLOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT", ct).ConfigureAwait(false);
                    }
                    catch (PostgresException e) when (e.SqlState is PostgresErrorCodes.DuplicateObject or PostgresErrorCodes.UniqueViolation)
                    {
                        // Another process created it at the same moment.
                    }
                }
            }
            await GrantReadsAsync(connection, role, ct).ConfigureAwait(false);
            await using var tx = await connection.BeginTransactionAsync(ct).ConfigureAwait(false);
            await ExecuteAsync(connection, $"SET LOCAL ROLE {role}", ct).ConfigureAwait(false);
            await tx.RollbackAsync(ct).ConfigureAwait(false);
            return _options.ReaderRole;
        }
        catch (PostgresException e) when (e.SqlState is PostgresErrorCodes.InsufficientPrivilege or PostgresErrorCodes.UndefinedObject)
        {
            return null;
        }
    }

    /// <summary>Grants the role SELECT on the schema's tables and views but <see cref="WarehouseRelations.Private"/>,
    /// and takes it back on those (earlier versions granted the whole schema, so the outbox's webhook URLs were kept
    /// from queries by the statement checks alone). Under the schema lock: two sessions granting on the same table at
    /// once fail with "tuple concurrently updated", and a grant rewrites the table's catalog row even when nothing
    /// changes, so nothing is granted when nothing is missing.</summary>
    private async Task GrantReadsAsync(NpgsqlConnection connection, string role, CancellationToken ct)
    {
        await using var tx = await connection.BeginTransactionAsync(ct).ConfigureAwait(false);
        await ExecuteAsync(connection, SchemaLock, ct).ConfigureAwait(false);
        var hidden = WarehouseRelations.Private.Select(n => n.ToLowerInvariant()).ToArray();
        var wrong = new List<(string Name, bool Private)>();
        await using (var granted = new NpgsqlCommand("""
            SELECT NULL, false WHERE NOT has_schema_privilege($1, current_schema(), 'USAGE')
            UNION ALL
            SELECT c.relname, c.relname = ANY($2) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'v', 'm', 'p', 'f')
              AND has_table_privilege($1, c.oid, 'SELECT') = (c.relname = ANY($2))
            """, connection))
        {
            granted.Parameters.Add(new NpgsqlParameter { Value = _options.ReaderRole });
            granted.Parameters.Add(new NpgsqlParameter { Value = hidden });
            await using var reader = await granted.ExecuteReaderAsync(ct).ConfigureAwait(false);
            while (await reader.ReadAsync(ct).ConfigureAwait(false))
            {
                wrong.Add((reader.IsDBNull(0) ? "" : reader.GetString(0), reader.GetBoolean(1)));
            }
        }
        if (wrong.Count == 0)
        {
            await tx.RollbackAsync(ct).ConfigureAwait(false);
            return;
        }
        var schema = Quote(await CurrentSchemaAsync(connection, ct).ConfigureAwait(false));
        await ExecuteAsync(connection, $"GRANT USAGE ON SCHEMA {schema} TO {role}", ct).ConfigureAwait(false);
        if (wrong.Any(w => !w.Private))
        {
            await ExecuteAsync(connection, $"GRANT SELECT ON ALL TABLES IN SCHEMA {schema} TO {role}", ct).ConfigureAwait(false);
        }
        // Every private table that exists, not only those found granted: the grant above just gave them all.
        await using (var existing = new NpgsqlCommand("""
            SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = current_schema() AND c.relname = ANY($1) AND has_table_privilege($2, c.oid, 'SELECT')
            """, connection))
        {
            existing.Parameters.Add(new NpgsqlParameter { Value = hidden });
            existing.Parameters.Add(new NpgsqlParameter { Value = _options.ReaderRole });
            var names = new List<string>();
            await using (var reader = await existing.ExecuteReaderAsync(ct).ConfigureAwait(false))
            {
                while (await reader.ReadAsync(ct).ConfigureAwait(false))
                {
                    names.Add(reader.GetString(0));
                }
            }
            foreach (var name in names)
            {
                await ExecuteAsync(connection, $"REVOKE ALL ON {schema}.{Quote(name)} FROM {role}", ct).ConfigureAwait(false);
            }
        }
        await tx.CommitAsync(ct).ConfigureAwait(false);
    }

    private static async Task<string> CurrentSchemaAsync(NpgsqlConnection connection, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("SELECT current_schema()", connection);
        return (string)(await cmd.ExecuteScalarAsync(ct).ConfigureAwait(false))!;
    }
}
