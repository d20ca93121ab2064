using DuckDB.NET.Data;

namespace Emporium.Warehouse.DuckDb;

public sealed partial class DuckDbWarehouse
{
    public async Task<QueryResult> QueryReadOnlyAsync(string sql, int maxRows, CancellationToken ct)
    {
        if (QueryRejectedException.Precheck(sql) is { } refused)
        {
            throw refused;
        }
        var limit = maxRows > 0 ? maxRows : _options.DefaultMaxRows;
        using var parallel = _threads.Enter();
        await using var connection = await OpenReaderAsync(ct).ConfigureAwait(false);
        var guard = CreateGuard(connection);
        string tree;
        using (var parse = connection.CreateCommand())
        {
            parse.CommandText = "SELECT json_serialize_sql(CAST($1 AS VARCHAR))";
            parse.Parameters.Add(new DuckDBParameter(sql));
            tree = (string)parse.ExecuteScalar()!;
        }
        if (guard.Check(tree) is { } reason)
        {
            throw QueryRejectedException.Refusal(reason);
        }

        using var cmd = connection.CreateCommand();
        cmd.CommandText = sql;
        try
        {
            // A read-only transaction on top of the parse-tree check: even a statement that slipped through could
            // not write.
            using (var begin = connection.CreateCommand())
            {
                begin.CommandText = "BEGIN TRANSACTION READ ONLY";
                begin.ExecuteNonQuery();
            }
            return WithinTimeLimit(cmd, limit, _options.MaxResultBytes, ct);
        }
        catch (DuckDBException e)
        {
            throw new QueryRejectedException(FirstLine(e.Message), e);
        }
    }

    public async Task<QueryResult> QueryTimedAsync(string sql, CancellationToken ct)
    {
        using var parallel = _threads.Enter();
        await using var connection = await OpenReaderAsync(ct).ConfigureAwait(false);
        using var cmd = connection.CreateCommand();
        cmd.CommandText = sql;
        return WithinTimeLimit(cmd, int.MaxValue, long.MaxValue, ct);
    }

    /// <summary>Reads <paramref name="cmd"/>, interrupted at <see cref="DuckDbWarehouseOptions.QueryTimeout"/>, which is
    /// then a <see cref="QueryRejectedException"/> saying so.</summary>
    private QueryResult WithinTimeLimit(DuckDBCommand cmd, int maxRows, long maxBytes, CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(_options.QueryTimeout);
        try
        {
            return DuckDbResults.Read(cmd, maxRows, timeout.Token, maxBytes);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            throw QueryRejectedException.TimeLimit(_options.QueryTimeout);
        }
    }

    private static string FirstLine(string message)
    {
        var text = message.Trim();
        var end = text.IndexOf("\n\n", StringComparison.Ordinal);
        return end > 0 ? text[..end] : text;
    }

    private static DuckDbQueryGuard CreateGuard(DuckDBConnection connection)
    {
        var relations = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        using (var cmd = connection.CreateCommand())
        {
            cmd.CommandText = """
                SELECT table_name FROM duckdb_tables() WHERE database_name = current_database() AND schema_name = 'main' AND NOT temporary
                UNION SELECT view_name FROM duckdb_views() WHERE database_name = current_database() AND schema_name = 'main' AND NOT internal AND NOT temporary
                """;
            using var reader = cmd.ExecuteReader();
            while (reader.Read())
            {
                relations.Add(reader.GetString(0));
            }
        }
        return new DuckDbQueryGuard(relations, BuiltInFunctions.Value);
    }

    /// <summary>Scalar, aggregate and macro built-ins of the DuckDB library, read once from a private in-memory
    /// instance so nothing a user created in the warehouse can widen the list.</summary>
    private static readonly Lazy<IReadOnlySet<string>> BuiltInFunctions = new(() =>
    {
        var set = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        using var memory = new DuckDBConnection("Data Source=:memory:");
        memory.Open();
        using var cmd = memory.CreateCommand();
        cmd.CommandText = "SELECT DISTINCT function_name FROM duckdb_functions() WHERE function_type IN ('scalar', 'aggregate', 'macro') AND schema_name IN ('main', 'pg_catalog')";
        using var reader = cmd.ExecuteReader();
        while (reader.Read())
        {
            set.Add(reader.GetString(0));
        }
        return set;
    });
}
