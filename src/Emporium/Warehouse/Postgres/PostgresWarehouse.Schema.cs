using System.Security.Cryptography;
using System.Text;
using Emporium.Datasets;
using Emporium.Marts;
using Npgsql;
using static Emporium.Warehouse.Postgres.PostgresSql;

namespace Emporium.Warehouse.Postgres;

/// <summary>Brings the database up to the contract: tables, added columns, mart views. Every DAG task and process start
/// calls it, while processors commit and users query, so it changes only what differs: <c>ALTER TABLE … ADD COLUMN IF
/// NOT EXISTS</c> and <c>DROP VIEW</c> take an exclusive lock even when there is nothing to do, and such locks taken on
/// every call deadlocked readers of the views (seen as <c>40P01</c> in DAG tasks running side by side).</summary>
public sealed partial class PostgresWarehouse
{
    /// <summary>Prefix of the comment a mart view carries: the hash of the SQL it was created from.</summary>
    internal const string ViewTagPrefix = "emporium:";

    /// <summary>Serializes the sessions that change the schema or its grants, across processes, until their commit.</summary>
    private const string SchemaLock = "SELECT pg_advisory_xact_lock(hashtext('emporium:schema'))";

    public async Task InitializeAsync(IReadOnlyList<DatasetSchema> datasets, CancellationToken ct)
    {
        try
        {
            await EnsureSchemaAsync(datasets, ct).ConfigureAwait(false);
        }
        catch (PostgresException e) when (e.SqlState is PostgresErrorCodes.InsufficientPrivilege or PostgresErrorCodes.ReadOnlySqlTransaction)
        {
            throw new Configuration.BackendConfigurationException(Configuration.BackendKind.Warehouse,
                $"cannot set up the warehouse in PostgreSQL at '{Describe}': {await RefusalAsync(e, ct).ConfigureAwait(false)}", e);
        }
    }

    /// <summary>What the operator must change when the server refuses the set-up itself (the user's privileges, a
    /// read-only server): the factory's connection check cannot see these, and they would otherwise end start-up
    /// with a client stack trace.</summary>
    private async Task<string> RefusalAsync(PostgresException e, CancellationToken ct)
    {
        var user = new NpgsqlConnectionStringBuilder(_options.ConnectionString).Username;
        switch (e.SqlState)
        {
            case PostgresErrorCodes.InsufficientPrivilege when e.MessageText.StartsWith("permission denied for schema", StringComparison.Ordinal):
                var schema = await SchemaNameAsync(ct).ConfigureAwait(false);
                return $"{e.MessageText}; user '{user}' needs CREATE on the schema (GRANT CREATE ON SCHEMA {Quote(schema)} TO {Quote(user ?? "")}; "
                    + "PostgreSQL 15 no longer grants it to every user) or to own the database";
            case PostgresErrorCodes.InsufficientPrivilege:
                return $"{e.MessageText}; user '{user}' must own the warehouse's tables and views, which start-up creates and extends";
            default:
                return $"{e.MessageText}; the address must name a server that accepts writes (a primary, not a standby)";
        }
    }

    private async Task<string> SchemaNameAsync(CancellationToken ct)
    {
        try
        {
            await using var connection = await _source.OpenConnectionAsync(ct).ConfigureAwait(false);
            await using var cmd = new NpgsqlCommand("SELECT coalesce(current_schema(), 'public')", connection);
            return (string)(await cmd.ExecuteScalarAsync(ct).ConfigureAwait(false))!;
        }
        catch (NpgsqlException)
        {
            return "public";
        }
    }

    private async Task EnsureSchemaAsync(IReadOnlyList<DatasetSchema> datasets, CancellationToken ct)
    {
        await using var connection = await _source.OpenConnectionAsync(ct).ConfigureAwait(false);
        await using (var tx = await connection.BeginTransactionAsync(ct).ConfigureAwait(false))
        {
            // Two processes starting together must not race on CREATE TABLE IF NOT EXISTS (it is not atomic in PostgreSQL).
            await ExecuteAsync(connection, SchemaLock, ct).ConfigureAwait(false);
            await ExecuteAsync(connection, $"""
                CREATE TABLE IF NOT EXISTS {OffsetsTable} (
                    group_name TEXT NOT NULL, topic TEXT NOT NULL, "partition" INTEGER NOT NULL,
                    next_offset BIGINT NOT NULL, updated_at TIMESTAMP NOT NULL,
                    PRIMARY KEY (group_name, topic, "partition"))
                """, ct).ConfigureAwait(false);
            await ExecuteAsync(connection, IngestClaim.CreateTableSql(SqlDialect.Postgres), ct).ConfigureAwait(false);
            var tables = await ColumnsByTableAsync(connection, ct).ConfigureAwait(false);
            foreach (var schema in datasets)
            {
                await EnsureTableAsync(connection, schema, tables.GetValueOrDefault(schema.Name), ct).ConfigureAwait(false);
                tables.TryAdd(schema.Name, []);
            }
            await EnsureViewsAsync(connection, tables.Keys.ToHashSet(StringComparer.Ordinal), ct).ConfigureAwait(false);
            await EnsurePrivilegesAsync(connection, [OffsetsTable, IngestClaim.Table, .. datasets.Select(d => d.Name)], ct).ConfigureAwait(false);
            await tx.CommitAsync(ct).ConfigureAwait(false);
        }
        _readerRole = await EnsureReaderRoleAsync(connection, ct).ConfigureAwait(false);
    }

    /// <summary>Refuses a user that may not write the warehouse's tables. Tables another user created are found in place
    /// and left alone, so the set-up alone passed and every commit, load and catalog read failed afterwards.</summary>
    private async Task EnsurePrivilegesAsync(NpgsqlConnection connection, string[] tables, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand($"""
            SELECT c.relname, string_agg(p.privilege, ', ' ORDER BY p.ord), pg_get_userbyid(c.relowner), n.nspname
            FROM unnest($1::text[]) WITH ORDINALITY AS t(name, ord)
            JOIN pg_class c ON c.relname = t.name
            JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = current_schema()
            CROSS JOIN (VALUES {string.Join(", ", TablePrivileges.Select((p, i) => $"({i}, '{p}')"))}) AS p(ord, privilege)
            WHERE NOT has_table_privilege(c.oid, p.privilege)
            GROUP BY c.relname, c.relowner, n.nspname, t.ord
            ORDER BY t.ord
            """, connection);
        cmd.Parameters.Add(new NpgsqlParameter { Value = tables });
        var refused = new List<(string Table, string Missing, string Owner, string Schema)>();
        await using (var reader = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(ct).ConfigureAwait(false))
            {
                refused.Add((reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3)));
            }
        }
        if (refused.Count == 0)
        {
            return;
        }
        var user = new NpgsqlConnectionStringBuilder(_options.ConnectionString).Username ?? "";
        var (table, missing, owner, schema) = refused[0];
        var all = string.Join(", ", TablePrivileges);
        throw new Configuration.BackendConfigurationException(Configuration.BackendKind.Warehouse,
            $"cannot set up the warehouse in PostgreSQL at '{Describe}': user '{user}' may not {missing} table {table} (owned by {owner})"
            + (refused.Count > 1 ? $" nor {refused.Count - 1} other tables of the warehouse; it needs {all} on them" : $"; it needs {all} on it")
            + $" (GRANT {all} ON ALL TABLES IN SCHEMA {Quote(schema)} TO {Quote(user)}) or to own them, which start-up needs to add a column a new version brings");
    }

    /// <summary>What the processor, loads, replays and the catalog do to the warehouse's tables.</summary>
    private static readonly string[] TablePrivileges = ["SELECT", "INSERT", "UPDATE", "DELETE"];

    /// <summary>Creates the dataset's table when <paramref name="existing"/> (its columns) is null, else adds the
    /// contract's columns it lacks (nullable): a column is never dropped.</summary>
    private static async Task EnsureTableAsync(NpgsqlConnection connection, DatasetSchema schema, HashSet<string>? existing, CancellationToken ct)
    {
        if (existing is null)
        {
            var columns = schema.Columns.Select(c => $"{Quote(c.Name)} {TypeOf(c.Type)}{(schema.Key.Contains(c.Name) ? " NOT NULL" : "")}")
                .Append("_source TEXT")
                .Append("_loaded_at TIMESTAMP");
            var key = schema.Mode == WriteMode.Upsert && schema.Key.Count > 0
                ? $", PRIMARY KEY ({string.Join(", ", schema.Key.Select(Quote))})"
                : "";
            await ExecuteAsync(connection, $"CREATE TABLE IF NOT EXISTS {Quote(schema.Name)} ({string.Join(", ", columns)}{key})", ct).ConfigureAwait(false);
            return;
        }
        foreach (var column in schema.Columns.Where(c => !existing.Contains(c.Name)))
        {
            await ExecuteAsync(connection, $"ALTER TABLE {Quote(schema.Name)} ADD COLUMN IF NOT EXISTS {Quote(column.Name)} {TypeOf(column.Type)}", ct).ConfigureAwait(false);
        }
    }

    /// <summary>(Re)creates each mart view whose tables are present and whose comment does not carry the hash of its
    /// current SQL. DROP + CREATE rather than CREATE OR REPLACE: a changed column type cannot be replaced in place.
    /// CASCADE because marts read other marts (clean_orders); the catalog lists a view before its readers, and the views
    /// are listed again after each drop, so a reader dropped with it is created again further down, in the same
    /// transaction.</summary>
    private static async Task EnsureViewsAsync(NpgsqlConnection connection, HashSet<string> tables, CancellationToken ct)
    {
        var views = await ViewTagsAsync(connection, ct).ConfigureAwait(false);
        foreach (var mart in MartCatalog.All.Where(m => !m.BackedByTable && m.DependsOn.All(tables.Contains)))
        {
            var sql = mart.ViewSql(SqlDialect.Postgres);
            var tag = ViewTag(sql);
            if (views.TryGetValue(mart.Name, out var current) && current == tag)
            {
                continue;
            }
            await ExecuteAsync(connection, $"DROP VIEW IF EXISTS {Quote(mart.Name)} CASCADE", ct).ConfigureAwait(false);
            await ExecuteAsync(connection, $"CREATE VIEW {Quote(mart.Name)} AS {sql}", ct).ConfigureAwait(false);
            await ExecuteAsync(connection, $"COMMENT ON VIEW {Quote(mart.Name)} IS '{tag}'", ct).ConfigureAwait(false);
            views = await ViewTagsAsync(connection, ct).ConfigureAwait(false);
        }
    }

    internal static string ViewTag(string sql) =>
        ViewTagPrefix + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(sql)))[..16];

    private static async Task<Dictionary<string, HashSet<string>>> ColumnsByTableAsync(NpgsqlConnection connection, CancellationToken ct)
    {
        var tables = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        await using var cmd = new NpgsqlCommand("""
            SELECT t.table_name, c.column_name
            FROM information_schema.tables t
            JOIN information_schema.columns c ON c.table_schema = t.table_schema AND c.table_name = t.table_name
            WHERE t.table_schema = current_schema() AND t.table_type = 'BASE TABLE'
            """, connection);
        await using var reader = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
        while (await reader.ReadAsync(ct).ConfigureAwait(false))
        {
            var table = reader.GetString(0);
            if (!tables.TryGetValue(table, out var columns))
            {
                tables[table] = columns = new HashSet<string>(StringComparer.Ordinal);
            }
            columns.Add(reader.GetString(1));
        }
        return tables;
    }

    /// <summary>This schema's views and their comments ("" when a view has none).</summary>
    private static async Task<Dictionary<string, string>> ViewTagsAsync(NpgsqlConnection connection, CancellationToken ct)
    {
        var views = new Dictionary<string, string>(StringComparer.Ordinal);
        await using var cmd = new NpgsqlCommand("""
            SELECT c.relname, coalesce(obj_description(c.oid, 'pg_class'), '')
            FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = current_schema() AND c.relkind = 'v'
            """, connection);
        await using var reader = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
        while (await reader.ReadAsync(ct).ConfigureAwait(false))
        {
            views[reader.GetString(0)] = reader.GetString(1);
        }
        return views;
    }
}
