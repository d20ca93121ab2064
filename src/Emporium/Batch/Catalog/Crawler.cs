using System.Globalization;
using DuckDB.NET.Data;
using Emporium.Batch.Formats;
using Emporium.Batch.Loading;
using Emporium.Datasets;
using Emporium.Marts;
using Emporium.Warehouse;
using static Emporium.Warehouse.DuckDb.DuckDbSql;

namespace Emporium.Batch.Catalog;

/// <summary>The Glue-crawler equivalent: infers one schema for all files under a path (DuckDB's CSV sniffer and JSON
/// structure detection, files unioned by column name so compatible files never split into several tables), flattens
/// nested fields into dotted columns, finds Hive partitions (<c>key=value</c> folders), and (re)creates a queryable
/// warehouse table with a catalog entry, in one transaction. Re-crawling evolves the schema: new columns are added,
/// types only widen, columns whose files are gone stay (null) and are marked as no longer present.</summary>
public sealed class Crawler(IWarehouse warehouse, TimeProvider time)
{
    private readonly CatalogStore store = new(warehouse);

    public async Task<CatalogTable> CrawlAsync(string path, string? name, CancellationToken ct)
    {
        if (warehouse.Dialect != SqlDialect.DuckDb)
        {
            throw new CrawlException("crawling needs the embedded DuckDB warehouse (it reads the files with DuckDB)");
        }
        var expansion = PathExpander.Expand([path]);
        if (expansion.Files.Count == 0)
        {
            throw new CrawlException($"nothing to crawl at {path}");
        }
        var root = Directory.Exists(path) ? Path.GetFullPath(path) : Path.GetDirectoryName(expansion.Files[0])!;
        var table = TableName(name ?? Path.GetFileName(root.TrimEnd(Path.DirectorySeparatorChar)));

        var scratch = Lake.ScratchFolder.NewPath(null, "crawl");
        try
        {
            return await CrawlFilesAsync(root, table, expansion.Files, scratch, ct).ConfigureAwait(false);
        }
        finally
        {
            if (Directory.Exists(scratch))
            {
                Directory.Delete(scratch, recursive: true);
            }
        }
    }

    private async Task<CatalogTable> CrawlFilesAsync(string root, string table, IReadOnlyList<string> files, string scratch, CancellationToken ct)
    {
        var groups = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var file in files)
        {
            var probe = await FileProbe.RunAsync(file, ct).ConfigureAwait(false);
            var gzip = Compression.IsGzip(probe.Head);
            if (gzip)
            {
                // DuckDB's CSV and JSON readers decompress gzip themselves; the probe only needs to see the content.
                try
                {
                    probe = await Compression.ProbeGzipAsync(file, ct).ConfigureAwait(false);
                }
                catch (FileReadException e)
                {
                    throw new CrawlException($"{file}: {e.Message}");
                }
            }
            var (family, readAs) = FormatDetector.FromContent(probe) switch
            {
                FileFormat.Parquet or FileFormat.Xlsx when gzip => throw new CrawlException($"{file}: a gzip-compressed workbook or Parquet file; decompress it first"),
                FileFormat.Csv or FileFormat.Tsv => (probe.IsValidUtf8 ? "csv" : "csv-latin1", file),
                FileFormat.Json or FileFormat.Ndjson => ("json", file),
                FileFormat.Parquet => ("parquet", file),
                // Read as CSV through the shared workbook reader, a group of its own (it has no partitions of the
                // scratch folder's own, only those copied from the workbook's path).
                FileFormat.Xlsx => ("xlsx", await WorkbookAsCsv.WriteAsync(file, root, scratch, ct).ConfigureAwait(false)),
                _ => throw new CrawlException($"{file}: not a CSV, JSON, Parquet or Excel file"),
            };
            (groups.TryGetValue(family, out var list) ? list : groups[family] = []).Add(readAs);
        }
        var source = string.Join("\nUNION ALL BY NAME\n", groups.OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => $"SELECT * FROM {Reader(g.Key, g.Value)}"));

        var inferred = Describe(source);
        var previous = (await store.ListAsync(ct).ConfigureAwait(false)).FirstOrDefault(t => t.Name == table);
        var (columns, version) = Evolve(previous, inferred);
        var select = string.Join(",\n    ", columns.Select(c =>
            c.Present ? $"CAST({inferred.First(i => i.Name == c.Name).Expression} AS {c.Type}) AS {Quote(c.Name)}" : $"CAST(NULL AS {c.Type}) AS {Quote(c.Name)}"));
        var entry = new CatalogTable(table, "crawled", root, string.Join("+", groups.Keys.Order(StringComparer.Ordinal)), columns,
            Partitions(root, files), files, 0, time.GetUtcNow(), version);

        await store.EnsureAsync(ct).ConfigureAwait(false);
        try
        {
            await warehouse.ExecuteAsync($"""
                BEGIN TRANSACTION;
                CREATE OR REPLACE TABLE {Quote(table)} AS
                SELECT
                    {select}
                FROM ({source});
                {CatalogStore.SaveSql(entry, time.GetUtcNow().UtcDateTime)}
                COMMIT;
                """, ct).ConfigureAwait(false);
        }
        catch (DuckDBException e)
        {
            await RollbackQuietlyAsync().ConfigureAwait(false);
            throw new CrawlException($"cannot build table {table}: {e.Message.Split('\n')[0]}");
        }
        return (await store.ListAsync(ct).ConfigureAwait(false)).First(t => t.Name == table);
    }

    private async Task RollbackQuietlyAsync()
    {
        try
        {
            await warehouse.ExecuteAsync("ROLLBACK", CancellationToken.None).ConfigureAwait(false);
        }
        catch (DuckDBException)
        {
            // No transaction was open any more.
        }
    }

    /// <summary>A safe, unreserved table name: lower-case letters, digits and '_'; not a dataset, mart or system table.</summary>
    public static string TableName(string raw)
    {
        var name = new string(raw.ToLowerInvariant().Select(c => char.IsAsciiLetterOrDigit(c) ? c : '_').ToArray()).Trim('_');
        if (name.Length == 0 || char.IsAsciiDigit(name[0]))
        {
            name = "t_" + name;
        }
        if (DatasetCatalog.Find(name) is not null || MartCatalog.All.Any(m => m.Name == name))
        {
            throw new CrawlException($"'{name}' is a dataset or mart name; pick another with --name");
        }
        return name;
    }

    private static string Reader(string family, IReadOnlyList<string> files)
    {
        var list = "[" + string.Join(", ", files.Select(Literal)) + "]";
        return family switch
        {
            "csv" or "xlsx" => $"read_csv({list}, union_by_name = true, hive_partitioning = true)",
            "csv-latin1" => $"read_csv({list}, union_by_name = true, hive_partitioning = true, encoding = 'latin-1')",
            "json" => $"read_json({list}, union_by_name = true, hive_partitioning = true, format = 'auto')",
            _ => $"read_parquet({list}, union_by_name = true, hive_partitioning = true)",
        };
    }

    private sealed record Inferred(string Name, string Type, string Expression);

    /// <summary>Columns of the unioned files, STRUCTs flattened to dotted names.</summary>
    private static List<Inferred> Describe(string source)
    {
        using var connection = new DuckDBConnection("Data Source=:memory:");
        connection.Open();
        using var cmd = connection.CreateCommand();
        cmd.CommandText = $"DESCRIBE SELECT * FROM ({source})";
        var result = new List<Inferred>();
        try
        {
            using var reader = cmd.ExecuteReader();
            while (reader.Read())
            {
                Flatten(reader.GetString(0), reader.GetString(1), Quote(reader.GetString(0)), result);
            }
        }
        catch (DuckDBException e)
        {
            throw new CrawlException($"cannot infer a schema: {e.Message.Split('\n')[0]}");
        }
        return result;
    }

    private static void Flatten(string name, string type, string expression, List<Inferred> into)
    {
        if (ColumnTypes.StructFields(type) is { Count: > 0 } fields)
        {
            foreach (var (field, fieldType) in fields)
            {
                Flatten($"{name}.{field}", fieldType, $"struct_extract({expression}, {Literal(field)})", into);
            }
            return;
        }
        into.Add(new Inferred(name, type, expression));
    }

    private static (IReadOnlyList<CatalogColumn> Columns, int Version) Evolve(CatalogTable? previous, List<Inferred> inferred)
    {
        if (previous is null)
        {
            return (inferred.Select(i => new CatalogColumn(i.Name, i.Type, 1)).ToList(), 1);
        }
        var next = previous.Version + 1;
        var changed = false;
        var columns = new List<CatalogColumn>();
        foreach (var old in previous.Columns)
        {
            var now = inferred.FirstOrDefault(i => i.Name == old.Name);
            if (now is null)
            {
                changed |= old.Present;
                columns.Add(old with { Present = false });
                continue;
            }
            var widened = ColumnTypes.Widen(old.Type, now.Type);
            changed |= widened != old.Type || !old.Present;
            columns.Add(old with { Type = widened, Present = true });
        }
        foreach (var added in inferred.Where(i => previous.Columns.All(c => c.Name != i.Name)))
        {
            changed = true;
            columns.Add(new CatalogColumn(added.Name, added.Type, next));
        }
        if (!changed)
        {
            return (columns, previous.Version);
        }
        return (columns, next);
    }

    private static IReadOnlyList<CatalogPartition> Partitions(string root, IReadOnlyList<string> files)
    {
        var values = new Dictionary<string, SortedSet<string>>(StringComparer.Ordinal);
        var order = new List<string>();
        foreach (var file in files)
        {
            var relative = Path.GetRelativePath(root, Path.GetDirectoryName(file)!);
            foreach (var segment in relative.Split(Path.DirectorySeparatorChar))
            {
                var eq = segment.IndexOf('=');
                if (eq <= 0)
                {
                    continue;
                }
                var key = segment[..eq];
                if (!values.TryGetValue(key, out var set))
                {
                    values[key] = set = new SortedSet<string>(StringComparer.Ordinal);
                    order.Add(key);
                }
                set.Add(Uri.UnescapeDataString(segment[(eq + 1)..]));
            }
        }
        return order.Select(k => new CatalogPartition(k, values[k].ToList())).ToList();
    }
}

/// <summary>A crawl that cannot be done; the message says why.</summary>
public sealed class CrawlException(string message) : Exception(message);
