using System.Globalization;
using System.Text;
using System.Text.Json;
using Emporium.Warehouse;
using static Emporium.Warehouse.DuckDb.DuckDbSql;

namespace Emporium.Batch.Catalog;

/// <summary>The catalog of crawled tables, kept in the warehouse itself (<c>_catalog_tables</c>,
/// <c>_catalog_columns</c>) so it commits in the same transaction as the table it describes and is queryable by SQL
/// like everything else.</summary>
public sealed class CatalogStore(IWarehouse warehouse)
{
    public const string TablesTable = "_catalog_tables";
    public const string ColumnsTable = "_catalog_columns";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public Task EnsureAsync(CancellationToken ct) => warehouse.ExecuteAsync($"""
        CREATE TABLE IF NOT EXISTS {TablesTable} (name VARCHAR PRIMARY KEY, location VARCHAR, format VARCHAR, partitions VARCHAR,
            files VARCHAR, row_count BIGINT, crawled_at TIMESTAMP, version INTEGER, crawl VARCHAR);
        ALTER TABLE {TablesTable} ADD COLUMN IF NOT EXISTS crawl VARCHAR;
        CREATE TABLE IF NOT EXISTS {ColumnsTable} (table_name VARCHAR, position INTEGER, name VARCHAR, type VARCHAR, since INTEGER, present BOOLEAN);
        """, ct);

    public async Task<IReadOnlyList<CatalogTable>> ListAsync(CancellationToken ct)
    {
        await EnsureAsync(ct).ConfigureAwait(false);
        var tables = await warehouse.QueryAsync($"SELECT name, location, format, partitions, files, row_count, crawled_at, version, coalesce(crawl, name) FROM {TablesTable} ORDER BY name", ct).ConfigureAwait(false);
        var columns = await warehouse.QueryAsync($"SELECT table_name, name, type, since, present FROM {ColumnsTable} ORDER BY table_name, position", ct).ConfigureAwait(false);
        var byTable = columns.Rows.GroupBy(r => (string)r[0]!).ToDictionary(g => g.Key,
            g => (IReadOnlyList<CatalogColumn>)g.Select(r => new CatalogColumn((string)r[1]!, (string)r[2]!, Convert.ToInt32(r[3], CultureInfo.InvariantCulture), (bool)r[4]!)).ToList());
        return tables.Rows.Select(r => new CatalogTable(
            (string)r[0]!, "crawled", (string)r[1]!, (string)r[2]!,
            byTable.GetValueOrDefault((string)r[0]!, []),
            JsonSerializer.Deserialize<List<CatalogPartition>>((string)r[3]!, Json) ?? [],
            JsonSerializer.Deserialize<List<string>>((string)r[4]!, Json) ?? [],
            Convert.ToInt64(r[5], CultureInfo.InvariantCulture),
            r[6] is DateTime t ? new DateTimeOffset(DateTime.SpecifyKind(t, DateTimeKind.Utc)) : null,
            Convert.ToInt32(r[7], CultureInfo.InvariantCulture),
            (string)r[8]!)).ToList();
    }

    /// <summary>Drops a crawled table (name matched case-insensitively) and its catalog entry in one transaction; returns
    /// the name dropped, or null when no crawled table has that name. Datasets and marts are not the catalog's to drop.</summary>
    public async Task<string?> DropAsync(string name, CancellationToken ct)
    {
        var key = name.Trim().ToLowerInvariant();
        if (Crawler.IsReserved(key))
        {
            throw new CrawlException($"'{key}' is a dataset or mart, not a crawled table: only crawled tables can be dropped");
        }
        if ((await ListAsync(ct).ConfigureAwait(false)).All(t => t.Name != key))
        {
            return null;
        }
        await DropTablesAsync([key], ct).ConfigureAwait(false);
        return key;
    }

    /// <summary>What to tell someone who named a crawled table that does not exist: the ones that do.</summary>
    public async Task<string> UnknownTableMessageAsync(string name, CancellationToken ct)
    {
        var crawled = (await ListAsync(ct).ConfigureAwait(false)).Select(t => t.Name).ToList();
        return $"'{name}' is not a crawled table (crawled: {(crawled.Count == 0 ? "none" : string.Join(", ", crawled))})";
    }

    /// <summary>Drops crawled tables and their catalog entries, all or none.</summary>
    internal async Task DropTablesAsync(IReadOnlyCollection<string> names, CancellationToken ct)
    {
        if (names.Count == 0)
        {
            return;
        }
        try
        {
            await warehouse.ExecuteAsync($"BEGIN TRANSACTION;\n{string.Concat(names.Select(DropSql))}COMMIT;", ct).ConfigureAwait(false);
        }
        catch
        {
            // A statement that failed leaves the shared connection inside the transaction; end it before the error goes on.
            try
            {
                await warehouse.ExecuteAsync("ROLLBACK", CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception rollback) when (rollback is not OperationCanceledException)
            {
                // No transaction was open any more.
            }
            throw;
        }
    }

    /// <summary>SQL that replaces a table's catalog entry; the caller runs it in the transaction that (re)creates the
    /// table. The row count is taken from the new table in the same transaction.</summary>
    public static string SaveSql(CatalogTable table, DateTime crawledAt)
    {
        var sql = new StringBuilder(RemoveEntrySql(table.Name));
        for (var i = 0; i < table.Columns.Count; i++)
        {
            var c = table.Columns[i];
            sql.AppendLine($"INSERT INTO {ColumnsTable} VALUES ({Literal(table.Name)}, {i}, {Literal(c.Name)}, {Literal(c.Type)}, {c.Since}, {(c.Present ? "true" : "false")});");
        }
        sql.AppendLine($"""
            INSERT INTO {TablesTable} (name, location, format, partitions, files, row_count, crawled_at, version, crawl)
            SELECT {Literal(table.Name)}, {Literal(table.Location)}, {Literal(table.Format)},
                {Literal(JsonSerializer.Serialize(table.Partitions, Json))}, {Literal(JsonSerializer.Serialize(table.Files, Json))},
                (SELECT count(*) FROM {Quote(table.Name)}), {Literal(crawledAt.ToString("yyyy-MM-dd HH:mm:ss.ffffff", CultureInfo.InvariantCulture))}::TIMESTAMP, {table.Version}, {Literal(table.Crawl ?? table.Name)};
            """);
        return sql.ToString();
    }

    private static string DropSql(string name) => RemoveEntrySql(name) + $"DROP TABLE IF EXISTS {Quote(name)};\n";

    private static string RemoveEntrySql(string name) =>
        $"DELETE FROM {ColumnsTable} WHERE table_name = {Literal(name)};\nDELETE FROM {TablesTable} WHERE name = {Literal(name)};\n";
}
