namespace Emporium.Batch.Catalog;

/// <summary>A catalogued table: a crawled folder (its table made from the files) or a canonical dataset.</summary>
/// <param name="Name">Table name in the warehouse.</param>
/// <param name="Kind">"crawled" or "dataset".</param>
/// <param name="Location">What was crawled (folder or glob), or the dataset's clean lake zone.</param>
/// <param name="Format">File format(s) found.</param>
/// <param name="Columns">Schema, in table order.</param>
/// <param name="Partitions">Hive partition keys found in the paths and their values.</param>
/// <param name="Files">Source files (crawled) or files loaded (dataset).</param>
/// <param name="Rows">Row count.</param>
/// <param name="LastLoad">When it was last crawled or loaded.</param>
/// <param name="Version">Schema version: bumped when a crawl adds a column or widens a type.</param>
/// <param name="Crawl">The name the crawl that made it was asked for: the table's own name, or the name that several
/// <c>NAME_…</c> tables share when a path's files hold unrelated schemas (a re-crawl of that path and name replaces them
/// all). Null for datasets.</param>
public sealed record CatalogTable(
    string Name,
    string Kind,
    string Location,
    string Format,
    IReadOnlyList<CatalogColumn> Columns,
    IReadOnlyList<CatalogPartition> Partitions,
    IReadOnlyList<string> Files,
    long Rows,
    DateTimeOffset? LastLoad,
    int Version,
    string? Crawl = null)
{
    /// <summary>The table as the catalog shows it (API, CLI, dashboard): column types lower-cased, as
    /// <c>/api/v1/tables</c> and query results name them. The catalog keeps DuckDB's own spelling, which widening
    /// between crawls compares.</summary>
    public CatalogTable Shown() => this with { Columns = Columns.Select(c => c with { Type = c.Type.ToLowerInvariant() }).ToList() };

    /// <summary>What the crawl that returned this table read otherwise than as written, per file (text that is not
    /// UTF-8 decoded as Windows-1252, a workbook's other sheets left out), as <c>load</c> warns. Only a crawl's answer
    /// carries them (null, and left out of the JSON, in the catalog, which does not keep them).</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<string>? Warnings { get; init; }

    private readonly int? filesTotal;

    /// <summary>How many files the table has: more than <see cref="Files"/> lists when it was <see cref="Capped"/>.</summary>
    public int FilesTotal { get => filesTotal ?? Files.Count; init => filesTotal = value; }

    /// <summary>Files counted in <see cref="FilesTotal"/> but not listed.</summary>
    public int FilesOmitted => FilesTotal - Files.Count;

    /// <summary>The table listing only its first <paramref name="max"/> files (and counting them all): a crawl of
    /// 100,000 files would otherwise make each catalog answer megabytes.</summary>
    public CatalogTable Capped(int max)
    {
        var all = Files;
        return all.Count <= max ? this : this with { Files = all.Take(max).ToList(), FilesTotal = all.Count };
    }
}

/// <summary>A column: name (nested fields flattened with dots), type, and the schema version that introduced it.
/// <paramref name="Present"/> is false for a column kept from an earlier crawl whose files are gone (kept, as null,
/// rather than silently dropped).</summary>
public sealed record CatalogColumn(string Name, string Type, int Since, bool Present = true);

/// <summary>A Hive partition key (<c>year=2024</c>) and the values seen (null for Hive's null folder,
/// <c>__HIVE_DEFAULT_PARTITION__</c>, as the table holds it).</summary>
public sealed record CatalogPartition(string Key, IReadOnlyList<string?> Values);
