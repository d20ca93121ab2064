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
/// structure detection, files unioned by column name so compatible files never split into several tables; files of
/// unrelated schemas make one table each, see <see cref="SchemaGroups"/>), flattens
/// nested fields into dotted columns, finds Hive partitions (<c>key=value</c> folders), and (re)creates a queryable
/// warehouse table with a catalog entry, in one transaction. Re-crawling evolves the schema: new columns are added,
/// types only widen, columns whose files are gone stay (null) and are marked as no longer present.</summary>
public sealed class Crawler(IWarehouse warehouse, TimeProvider time)
{
    private readonly CatalogStore store = new(warehouse);

    /// <summary>Crawls <paramref name="path"/> into one table named <paramref name="name"/> (default: the folder's
    /// name), or into one table per group of related schemas (<c>NAME_&lt;folder or file&gt;</c>) when the files under
    /// it hold unrelated ones (<see cref="SchemaGroups"/>).</summary>
    public async Task<IReadOnlyList<CatalogTable>> CrawlAsync(string path, string? name, CancellationToken ct)
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
        var warnings = new List<string>();
        try
        {
            var files = new List<CrawledFile>();
            foreach (var file in expansion.Files)
            {
                try
                {
                    if (await ProbeAsync(file, root, scratch, warning => warnings.Add($"{file}: {warning}"), ct).ConfigureAwait(false) is { } crawled)
                    {
                        files.Add(crawled);
                    }
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    // Refused rather than left out: a table built without one of the folder's files would look whole.
                    throw new CrawlException($"{file} cannot be read ({e.Message})");
                }
            }
            if (files.Count == 0)
            {
                throw new CrawlException($"nothing to crawl at {path}: {string.Join("; ", warnings)}");
            }
            IReadOnlyList<IReadOnlyList<string>> groups;
            if (files.Count == 1)
            {
                groups = [[files[0].Path]];
            }
            else
            {
                // One DuckDB instance for every file's DESCRIBE: opening one costs more than sniffing a small file.
                using var connection = OpenMemory();
                var described = new List<(string, IReadOnlyCollection<string>)>();
                foreach (var file in files)
                {
                    described.Add((file.Path, await ColumnsAsync(connection, file, ct).ConfigureAwait(false)));
                }
                groups = SchemaGroups.Split(described);
                var own = described.ToDictionary(d => d.Item1, d => d.Item2, StringComparer.Ordinal);
                files = files.Select(f => WithShadowedColumns(root, f, own[f.Path])).ToList();
            }
            if (files.Count == 1 && HivePartitions.Of(root, files[0].Path).Count > 0)
            {
                using var connection = OpenMemory();
                files = [WithShadowedColumns(root, files[0], await ColumnsAsync(connection, files[0], ct).ConfigureAwait(false))];
            }
            var byPath = files.ToDictionary(f => f.Path, StringComparer.Ordinal);
            List<string> names = groups.Count == 1 ? [table] : SchemaGroups.Labels(root, groups).Select(l => TableName($"{table}_{l}")).ToList();
            var earlier = await store.ListAsync(ct).ConfigureAwait(false);
            CheckOwnership(root, names, earlier);
            var tables = new List<CatalogTable>();
            for (var i = 0; i < groups.Count; i++)
            {
                tables.Add(await CrawlFilesAsync(root, names[i], table, groups[i].Select(f => byPath[f]).ToList(),
                    earlier.FirstOrDefault(t => t.Name == names[i]), warnings.Add, ct).ConfigureAwait(false));
            }
            // The tables an earlier crawl of this path and name made that this one did not: the single table before
            // the files split, or a group that has since merged or gone.
            await store.DropTablesAsync(earlier.Where(t => t.Location == root && t.Crawl == table && !names.Contains(t.Name)).Select(t => t.Name).ToList(), ct).ConfigureAwait(false);
            // A warning about a file no table holds (an empty file left out) is every table's.
            bool About(string warning, IEnumerable<string> paths) => paths.Any(f => warning.StartsWith(f + ": ", StringComparison.Ordinal));
            return tables.Select(t => t.Shown() with { Warnings = warnings.Where(w => About(w, t.Files) || !About(w, byPath.Keys)).ToList() }).ToList();
        }
        finally
        {
            if (Directory.Exists(scratch))
            {
                Directory.Delete(scratch, recursive: true);
            }
        }
    }

    /// <summary>A crawled table belongs to the path it was crawled from: crawling another path under its name would
    /// rebuild it from other files while keeping the first path's columns. Refused before anything is written.</summary>
    private static void CheckOwnership(string root, IReadOnlyList<string> names, IReadOnlyList<CatalogTable> earlier)
    {
        foreach (var name in names)
        {
            if (earlier.FirstOrDefault(t => t.Name == name) is { } other && other.Location != root)
            {
                throw new CrawlException($"table '{name}' holds the files of {other.Location}; crawl {root} under another --name, or drop '{name}' first (emporium catalog drop {name})");
            }
        }
    }

    /// <summary>A file to crawl: its reader family, the path DuckDB reads (a gzip file's decompressed copy, a workbook's
    /// or other text's scratch CSV) and, for delimited text, the reader options that Emporium's own reading of the file
    /// found (files with the same ones share a read). <paramref name="Text"/>: the file's text format and readable
    /// content (the file, or a gzip file's decompressed copy) when the reader <c>load</c> uses can read it (not a
    /// workbook or Parquet file), to say what is wrong with it as <c>load</c> says it; <paramref name="Inspection"/>: what
    /// that reader found reading a delimited file through.</summary>
    /// <paramref name="Partitions"/>: the <c>key=value</c> folders of its path when one of the keys names a column of the
    /// file itself (<see cref="WithShadowedColumns"/>), null otherwise.</summary>
    private sealed record CrawledFile(string Path, string Family, string ReadAs, string Options = "",
        (FileFormat Format, FileContent Content)? Text = null, FileInspection? Inspection = null,
        IReadOnlyList<(string Key, string Value, bool Own)>? Partitions = null);

    /// <summary><paramref name="file"/>, marked when a partition folder of its path names one of its own columns
    /// (<c>country=uk/a.csv</c> holding a <c>country</c> column): DuckDB's <c>hive_partitioning</c> replaced the file's
    /// values with the folder's, losing them, where <c>load</c> keeps a value the row carries and fills only the
    /// missing ones. Such a file is read on its own, its folders added by hand (<see cref="PartitionedSource"/>).</summary>
    private static CrawledFile WithShadowedColumns(string root, CrawledFile file, IReadOnlyCollection<string> own)
    {
        var partitions = HivePartitions.Of(root, file.Path);
        return partitions.Keys.Any(k => own.Contains(k, StringComparer.OrdinalIgnoreCase))
            ? file with { Partitions = partitions.Select(p => (p.Key, p.Value, own.Contains(p.Key, StringComparer.OrdinalIgnoreCase))).ToList() }
            : file;
    }

    /// <summary>A file whose own column a partition folder names, read without <c>hive_partitioning</c>: its own value
    /// is kept and a missing one takes the folder's (as text: the folder's value need not fit the column's type), and
    /// the other folders become text columns (a <c>__HIVE_DEFAULT_PARTITION__</c> folder none, so null).</summary>
    private static string PartitionedSource(CrawledFile file)
    {
        var parts = file.Partitions!;
        var replaced = parts.Where(p => p.Own).Select(p => $"coalesce(CAST({Quote(p.Key)} AS VARCHAR), {Literal(p.Value)}) AS {Quote(p.Key)}");
        var added = parts.Where(p => !p.Own).Select(p => $", {Literal(p.Value)} AS {Quote(p.Key)}");
        return $"SELECT * REPLACE ({string.Join(", ", replaced)}){string.Concat(added)} FROM {Reader(file.Family, [file.ReadAs], file.Options, hive: false)}";
    }

    /// <summary>How the crawl reads <paramref name="file"/>; null for an empty file, left out with a warning: it holds
    /// no data, and DuckDB gave the table an all-null <c>column0</c> for it.</summary>
    private static async Task<CrawledFile?> ProbeAsync(string file, string root, string scratch, Action<string> warn, CancellationToken ct)
    {
        var raw = await FileProbe.RunAsync(file, ct).ConfigureAwait(false);
        FileContent content;
        try
        {
            // Decompressed as load decompresses it (the trailer checked: DuckDB read a gzip file cut in transit to where
            // it stopped, without a word), into the scratch folder under the file's own folders so Hive partitions
            // still apply; every check below then reads the content as it reads a plain file.
            content = await FileContent.OfAsync(file, raw,
                Lake.ScratchFolder.NewPath(System.IO.Path.GetDirectoryName(ScratchCopy.PathFor(file, root, scratch)), "gunzip"), ct).ConfigureAwait(false);
        }
        catch (FileReadException e)
        {
            throw new CrawlException($"{file}: {e.Message}");
        }
        if (content.Probe.Size == content.Probe.BomLength)
        {
            warn("the file is empty: not cataloged");
            return null;
        }
        var gzip = !ReferenceEquals(content.Probe, raw);
        var readAs = gzip ? content.Path : ScratchCopy.InPlace(file, root, scratch);
        var format = FormatDetector.FromContent(content.Probe);
        return format switch
        {
            FileFormat.Parquet or FileFormat.Xlsx when gzip => throw new CrawlException($"{file}: a gzip-compressed workbook or Parquet file; decompress it first"),
            FileFormat.Csv or FileFormat.Tsv => await DelimitedAsync(file, content, readAs, format.Value, root, scratch, warn, ct).ConfigureAwait(false),
            FileFormat.Json or FileFormat.Ndjson => new CrawledFile(file, "json", readAs, Text: (format.Value, content)),
            FileFormat.Parquet => new CrawledFile(file, "parquet", readAs),
            // Read as CSV through the shared workbook reader, a group of its own (it has no partitions of the
            // scratch folder's own, only those copied from the workbook's path).
            FileFormat.Xlsx => new CrawledFile(file, "xlsx", await WorkbookAsCsv.WriteAsync(file, root, scratch, warn, ct).ConfigureAwait(false)),
            _ => throw new CrawlException($"{file}: not a CSV, JSON, Parquet or Excel file"),
        };
    }

    /// <summary>A delimited file, read through once by the reader <c>load</c> uses before DuckDB reads it. Damage that
    /// fails <c>load</c> (cut short, an unbalanced quote) fails the crawl naming the file and line: DuckDB's
    /// <c>null_padding</c> padded a torn last row and the table looked whole. Rows <c>load</c> quarantines for their
    /// shape (too many or too few fields) are cataloged as DuckDB reads them, with a warning naming their lines: they
    /// used to be padded in silence.</summary>
    private static async Task<CrawledFile> DelimitedAsync(string file, FileContent content, string readAs, FileFormat format, string root, string scratch,
        Action<string> warn, CancellationToken ct)
    {
        var inspection = await FileInspection.RunAsync(content, format, ct).ConfigureAwait(false);
        if (inspection.Damage is { } damage)
        {
            throw new CrawlException($"{file}: {damage.Message}");
        }
        if (inspection.IssuesWarning() is { } issues)
        {
            warn(issues);
        }
        if (!content.Probe.IsValidUtf8)
        {
            readAs = await Utf8CopyAsync(file, content, root, scratch, warn, ct).ConfigureAwait(false);
        }
        return new CrawledFile(file, "csv", readAs, DelimitedOptions(content, format), (format, content), inspection);
    }

    /// <summary>DuckDB's failure to read <paramref name="files"/> as an error naming the file and what is wrong with it
    /// as <c>load</c> says it (DuckDB's sniffer named no file, <c>Error when sniffing file ""</c>, and its JSON reader
    /// counted a cut file's lines one too far): the damage that stops the reader <c>load</c> uses, else the first row it
    /// would quarantine that DuckDB cannot read past (text after a closing quote, a torn JSON line; DuckDB pads a row
    /// of too few or too many fields); DuckDB's own first line when that reader finds nothing.</summary>
    private static async Task<CrawlException> ExplainAsync(IReadOnlyList<CrawledFile> files, string what, DuckDBException error, CancellationToken ct)
    {
        foreach (var file in files)
        {
            if (file.Text is not { } text)
            {
                continue;
            }
            var inspection = file.Inspection ?? await FileInspection.RunAsync(text.Content, text.Format, ct).ConfigureAwait(false);
            if (inspection.Damage is { } damage)
            {
                return new CrawlException($"{file.Path}: {damage.Message}");
            }
            if (inspection.Issues.FirstOrDefault(i => !CsvFormatReader.IsFieldCountError(i.Error)) is { } row)
            {
                return new CrawlException($"{file.Path}: {row.Describe()}; load quarantines such a row, but DuckDB cannot read the file with it: mend the row to crawl the file");
            }
        }
        var reason = $"{what}: {error.Message.Split('\n')[0]}";
        return new CrawlException(files.Count == 1 ? $"{files[0].Path}: {reason}" : reason);
    }

    /// <summary>Text that is not UTF-8 (a Windows export, UTF-16) is read through a UTF-8 copy decoded as <c>load</c>
    /// decodes it (Windows-1252, or the UTF-16 of its byte-order mark): DuckDB's <c>latin-1</c> turned € ’ “ ” – …
    /// into control characters and kept a UTF-8 BOM before Windows-1252 bytes in the first column's name. Text decoded
    /// as Windows-1252 is warned about as <c>load</c> warns, since that is a guess: the crawl used to say nothing.</summary>
    private static async Task<string> Utf8CopyAsync(string file, FileContent content, string root, string scratch, Action<string> warn, CancellationToken ct)
    {
        var target = ScratchCopy.PathFor(file, root, scratch);
        content.Probe.TextEncoding(out var warning);
        if (warning is not null)
        {
            warn(warning);
        }
        await Utf8TextCopy.WriteAsync(content, target, ct).ConfigureAwait(false);
        return target;
    }

    /// <summary>DuckDB's <c>read_csv</c> options for a delimited file, so the crawl reads it as <c>load</c> does.
    /// DuckDB's own sniffer gives up on a file with one ragged row and reads every line as one column named after the
    /// whole header; the dialect Emporium's sniffer finds is passed instead, and short or long rows are padded
    /// (<c>null_padding</c>: a long row's extra fields land in <c>column&lt;N&gt;</c>, nothing is dropped).</summary>
    private static string DelimitedOptions(FileContent content, FileFormat format)
    {
        var input = new FormatInput(content.Path, content.Probe, ReadSettings.Default);
        var dialect = CsvFormatReader.DialectOf(input, format, content.Probe.TextEncoding(out _));
        var quote = Literal(dialect.Quote.ToString());
        return $"delim = {Literal(dialect.Delimiter.ToString())}, quote = {quote}, escape = {quote}, header = {(dialect.HasHeader ? "true" : "false")}, null_padding = true"
            + (dialect.SepLine ? ", skip = 1" : "");
    }

    /// <summary>One file's own columns, without the partition columns its folders add (shared by every dataset laid
    /// out the same way, they say nothing about whether two schemas are related).</summary>
    private static async Task<IReadOnlyCollection<string>> ColumnsAsync(DuckDBConnection connection, CrawledFile file, CancellationToken ct)
    {
        try
        {
            return DescribeTopLevel(connection, OwnSource(file)).Select(c => c.Name).ToList();
        }
        catch (DuckDBException e)
        {
            throw await ExplainAsync([file], "cannot infer a schema", e, ct).ConfigureAwait(false);
        }
    }

    private static string OwnSource(CrawledFile file) => $"SELECT * FROM {Reader(file.Family, [file.ReadAs], file.Options, hive: false)}";

    private async Task<CatalogTable> CrawlFilesAsync(string root, string table, string crawl, IReadOnlyList<CrawledFile> crawled,
        CatalogTable? previous, Action<string> warn, CancellationToken ct)
    {
        var files = crawled.Select(f => f.Path).ToList();
        // Files are read together when DuckDB can: the same reader and options, and the same partition keys (files in
        // and outside key=value folders in one read failed with DuckDB's "Hive partition mismatch"). A file whose own
        // column a partition folder names is read alone.
        var reads = crawled.GroupBy(f => (f.Family, f.Options, Keys: string.Join('/', HivePartitions.Of(root, f.Path).Keys), Alone: f.Partitions is null ? "" : f.Path))
            .OrderBy(g => g.Key.Family, StringComparer.Ordinal).ThenBy(g => g.Key.Options, StringComparer.Ordinal)
            .ThenBy(g => g.Key.Keys, StringComparer.Ordinal).ThenBy(g => g.Key.Alone, StringComparer.Ordinal).ToList();
        var source = string.Join("\nUNION ALL BY NAME\n", reads.Select(g => g.Key.Alone.Length > 0
            ? PartitionedSource(g.Single())
            : $"SELECT * FROM {Reader(g.Key.Family, g.Select(f => f.ReadAs).ToList(), g.Key.Options)}"));
        var families = reads.Select(g => g.Key.Family).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal);

        List<Inferred> inferred;
        try
        {
            inferred = Describe(source);
            var unnamed = UnnamedColumns(source, crawled, warn);
            inferred.RemoveAll(i => unnamed.Contains(i.Name));
        }
        catch (DuckDBException e)
        {
            throw await ExplainAsync(crawled, "cannot infer a schema", e, ct).ConfigureAwait(false);
        }
        var (columns, version) = Evolve(previous, inferred);
        var select = string.Join(",\n    ", columns.Select(c =>
            c.Present ? $"CAST({inferred.First(i => SameColumn(i.Name, c.Name)).Expression} AS {c.Type}) AS {Quote(c.Name)}" : $"CAST(NULL AS {c.Type}) AS {Quote(c.Name)}"));
        var entry = new CatalogTable(table, "crawled", root, string.Join("+", families), columns,
            Partitions(root, files), files, 0, time.GetUtcNow(), version, crawl);

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
            throw await ExplainAsync(crawled, $"cannot build table {table}", e, ct).ConfigureAwait(false);
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

    /// <summary>A safe, unreserved table name: lower-case letters, digits and '_' (never a leading '_', which the
    /// system tables have); not a dataset, mart or DAG table (<see cref="IsReserved"/>).</summary>
    public static string TableName(string raw)
    {
        var name = new string(raw.ToLowerInvariant().Select(c => char.IsAsciiLetterOrDigit(c) ? c : '_').ToArray()).Trim('_');
        if (name.Length == 0 || char.IsAsciiDigit(name[0]))
        {
            name = "t_" + name;
        }
        if (IsReserved(name))
        {
            throw new CrawlException($"'{name}' is a dataset or mart name; pick another with --name");
        }
        return name;
    }

    /// <summary>A table Emporium itself writes: a dataset (the dead letters included: the processor writes them), a
    /// table a DAG fills (<c>supplier_products</c>, <c>alerts</c>…) or a mart. A crawl named after one replaced it with
    /// the crawled file, losing its rows and failing every later write to it.</summary>
    public static bool IsReserved(string name) =>
        LoadSpec.Find(name) is not null || DatasetCatalog.FindStreamed(name) is not null
        || Sources.SeedDatasets.All.Any(d => string.Equals(d.Name, name, StringComparison.OrdinalIgnoreCase))
        || MartCatalog.All.Any(m => string.Equals(m.Name, name, StringComparison.OrdinalIgnoreCase));

    private static string Reader(string family, IReadOnlyList<string> files, string options, bool hive = true)
    {
        var list = "[" + string.Join(", ", files.Select(Literal)) + "]";
        var partitions = hive ? "true" : "false";
        var extra = options.Length > 0 ? ", " + options : "";
        return family switch
        {
            "csv" or "xlsx" => $"read_csv({list}, union_by_name = true, hive_partitioning = {partitions}{extra})",
            "json" => $"read_json({list}, union_by_name = true, hive_partitioning = {partitions}, format = 'auto')",
            _ => $"read_parquet({list}, union_by_name = true, hive_partitioning = {partitions})",
        };
    }

    private sealed record Inferred(string Name, string Type, string Expression);

    /// <summary>Columns of the unioned files, STRUCTs flattened to dotted names.</summary>
    private static List<Inferred> Describe(string source)
    {
        var result = new List<Inferred>();
        using var connection = OpenMemory();
        var columns = DescribeTopLevel(connection, source);
        var taken = columns.Select(c => c.Name).ToHashSet(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, type) in columns)
        {
            Flatten(name, type, Quote(name), result, taken);
        }
        return result;
    }

    /// <summary>The columns DuckDB made of header fields without a name (a delimiter ending every line) that are empty in
    /// every row of the table, left out as <c>load</c> leaves them out: cataloged, they were an all-null <c>column2</c>
    /// the file does not have. One that holds a value is kept under DuckDB's positional name. Each is warned about.</summary>
    private static HashSet<string> UnnamedColumns(string source, IReadOnlyList<CrawledFile> crawled, Action<string> warn)
    {
        var empty = new HashSet<string>(StringComparer.Ordinal);
        var withUnnamed = crawled.Where(f => f.Inspection?.Unnamed is { Count: > 0 }).ToList();
        if (withUnnamed.Count == 0)
        {
            return empty;
        }
        using var connection = OpenMemory();
        var named = withUnnamed.Select(f =>
        {
            var columns = DescribeTopLevel(connection, OwnSource(f));
            return (File: f, Columns: f.Inspection!.Unnamed.Where(u => u.Position < columns.Count).Select(u => (Unnamed: u, Name: columns[u.Position].Name)).ToList());
        }).ToList();
        var names = named.SelectMany(n => n.Columns.Select(c => c.Name)).Distinct(StringComparer.Ordinal).ToList();
        using (var cmd = connection.CreateCommand())
        {
            // Over the whole table: a column of that name in another file (rare) may hold values, and is then kept.
            cmd.CommandText = $"SELECT {string.Join(", ", names.Select(n => $"count({Quote(n)})"))} FROM ({source})";
            using var reader = cmd.ExecuteReader();
            reader.Read();
            for (var i = 0; i < names.Count; i++)
            {
                if (reader.GetInt64(i) == 0)
                {
                    empty.Add(names[i]);
                }
            }
        }
        foreach (var (file, columns) in named)
        {
            foreach (var (unnamed, name) in columns)
            {
                warn($"{file.Path}: {UnnamedColumn.Describe([unnamed])}: " + (empty.Contains(name) ? "not cataloged (empty in every row)" : $"cataloged as {name}"));
            }
        }
        return empty;
    }

    private static DuckDBConnection OpenMemory()
    {
        var connection = new DuckDBConnection("Data Source=:memory:");
        connection.Open();
        return connection;
    }

    /// <summary>The top-level columns of <paramref name="source"/>; a <see cref="DuckDBException"/> when DuckDB cannot
    /// read it (<see cref="ExplainAsync"/> says why).</summary>
    private static List<(string Name, string Type)> DescribeTopLevel(DuckDBConnection connection, string source)
    {
        using var cmd = connection.CreateCommand();
        cmd.CommandText = $"DESCRIBE SELECT * FROM ({source})";
        var result = new List<(string, string)>();
        using var reader = cmd.ExecuteReader();
        while (reader.Read())
        {
            result.Add((reader.GetString(0), reader.GetString(1)));
        }
        return result;
    }

    /// <summary>A column, or a STRUCT's fields as dotted columns. A dotted name a column already has (a record's own
    /// <c>"style.Size:"</c> key beside <c>style</c>'s <c>Size:</c> field) gets <c>_2</c>, <c>_3</c>…: two columns of one
    /// name were cataloged twice and built from the first one's values. <paramref name="taken"/>: the names in use,
    /// the top-level ones first (they keep theirs).</summary>
    private static void Flatten(string name, string type, string expression, List<Inferred> into, HashSet<string> taken, bool nested = false)
    {
        if (ColumnTypes.StructFields(type) is { Count: > 0 } fields)
        {
            foreach (var (field, fieldType) in fields)
            {
                Flatten($"{name}.{field}", fieldType, $"struct_extract({expression}, {Literal(field)})", into, taken, nested: true);
            }
            return;
        }
        var unique = name;
        for (var n = 2; nested && !taken.Add(unique); n++)
        {
            unique = $"{name}_{n}";
        }
        into.Add(new Inferred(unique, type, expression));
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
            var now = inferred.FirstOrDefault(i => SameColumn(i.Name, old.Name));
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
        foreach (var added in inferred.Where(i => !previous.Columns.Any(c => SameColumn(c.Name, i.Name))))
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

    /// <summary>Whether two column names are one column: DuckDB's names ignore case, so a later export's
    /// <c>country</c> is the earlier <c>Country</c> (added beside it, DuckDB renamed it <c>country_1</c> and a query of
    /// <c>country</c> read the old, empty column). The earlier spelling is kept.</summary>
    private static bool SameColumn(string a, string b) => string.Equals(a, b, StringComparison.OrdinalIgnoreCase);

    private static IReadOnlyList<CatalogPartition> Partitions(string root, IReadOnlyList<string> files)
    {
        var values = new PartitionValues();
        foreach (var file in files)
        {
            var relative = Path.GetRelativePath(root, Path.GetDirectoryName(file)!);
            foreach (var segment in relative.Split(Path.DirectorySeparatorChar))
            {
                var eq = segment.IndexOf('=');
                if (eq > 0)
                {
                    values.Add(segment[..eq], Uri.UnescapeDataString(segment[(eq + 1)..]));
                }
            }
        }
        return values.ToList();
    }
}

/// <summary>A crawl that cannot be done; the message says why.</summary>
public sealed class CrawlException(string message) : Exception(message);
