using Emporium.Batch.Formats;

namespace Emporium.Batch.Catalog;

/// <summary>What the reader <c>load</c> uses finds in one file a crawl reads with DuckDB, in <c>load</c>'s words: the
/// damage that stops it (cut short, an unbalanced quote), the rows <c>load</c> would quarantine for their shape (a
/// ragged row, text after a closing quote, a torn JSON line: the first <see cref="Kept"/> of them and how many), and a
/// delimited file's header fields without a name.</summary>
internal sealed record FileInspection(FileReadException? Damage, IReadOnlyList<SourceRowIssue> Issues, long IssueCount, IReadOnlyList<UnnamedColumn> Unnamed)
{
    /// <summary>How many malformed rows are named; the rest are counted.</summary>
    public const int Kept = 5;

    /// <summary>Reads <paramref name="content"/> (a file, or a gzip file's decompressed copy) through to its end.</summary>
    public static async Task<FileInspection> RunAsync(FileContent content, FileFormat format, CancellationToken ct)
    {
        IFormatReader reader = format switch
        {
            FileFormat.Ndjson => new NdjsonFormatReader(),
            FileFormat.Json => new JsonFormatReader(),
            _ => new CsvFormatReader(format),
        };
        var input = new FormatInput(content.Path, content.Probe, new ReadSettings(format));
        var issues = new List<SourceRowIssue>();
        long count = 0;
        FileReadException? damage = null;
        try
        {
            await foreach (var row in reader.ReadAsync(input, ct).ConfigureAwait(false))
            {
                if (row.Error is { } error)
                {
                    if (++count <= Kept)
                    {
                        issues.Add(new SourceRowIssue(row.Position, error));
                    }
                }
            }
        }
        catch (FileReadException e) when (!e.IsNoRecordArray)
        {
            // A document without an array of records is not damage to the crawl: DuckDB reads the document itself.
            damage = e;
        }
        catch (FileReadException)
        {
        }
        return new FileInspection(damage, issues, count, input.UnnamedColumns);
    }

    /// <summary>The warning for the malformed rows a crawl catalogs as DuckDB reads them, or null when there are none.</summary>
    public string? IssuesWarning() => IssueCount == 0 ? null :
        $"{IssueCount} malformed row(s) that load quarantines, cataloged as DuckDB reads them (a missing field is null, an extra one " +
        $"lands in a column named column<N>): {string.Join("; ", Issues.Select(i => i.ToString()))}{(IssueCount > Issues.Count ? $"; … and {IssueCount - Issues.Count} more" : "")}";
}

/// <summary>A row <c>load</c> would quarantine for its shape: where it is and why.</summary>
internal sealed record SourceRowIssue(RowPosition Position, string Error)
{
    public override string ToString() => $"line {Position.Line}: {Error}";

    /// <summary>The row, its record and the reason: how a crawl names the row DuckDB could not read.</summary>
    public string Describe() => $"line {Position.Line} (record {Position.Record}): {Error}";
}
