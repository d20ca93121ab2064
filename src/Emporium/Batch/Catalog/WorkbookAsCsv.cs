using System.Text;
using Emporium.Batch.Formats;

namespace Emporium.Batch.Catalog;

/// <summary>DuckDB reads no workbooks without an extension that would have to be downloaded, so the crawler turns
/// each workbook's first sheet into a CSV with the shared <see cref="XlsxFormatReader"/> (the same cells a load
/// sees) and lets DuckDB's sniffer type it like any CSV. The copy keeps the workbook's folders under a scratch root
/// (<see cref="ScratchCopy"/>), so Hive partitions in the path still apply.</summary>
internal static class WorkbookAsCsv
{
    /// <returns>The CSV's path under <paramref name="scratch"/>.</returns>
    /// <param name="warn">Gets what the reader warns about (the sheets left out), as <c>load</c> reports it.</param>
    public static async Task<string> WriteAsync(string workbook, string root, string scratch, Action<string> warn, CancellationToken ct)
    {
        var target = ScratchCopy.PathFor(workbook, root, scratch);
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        var probe = await FileProbe.RunAsync(workbook, ct).ConfigureAwait(false);
        var input = new FormatInput(workbook, probe, new ReadSettings(FileFormat.Xlsx));
        await using var writer = new StreamWriter(target, false, new UTF8Encoding(false));
        var first = true;
        long errorCells = 0;
        string? firstError = null;
        try
        {
            await foreach (var row in new XlsxFormatReader().ReadAsync(input, ct).ConfigureAwait(false))
            {
                if (row.Fields is not { } fields)
                {
                    continue;
                }
                if (first)
                {
                    await writer.WriteLineAsync(string.Join(',', fields.Keys.Select(Quote))).ConfigureAwait(false);
                    first = false;
                }
                // An error cell (#DIV/0!) is no value of its column: as text it would make a number column VARCHAR.
                var errors = row.CellErrors?.Select(e => e.Column).ToHashSet(StringComparer.Ordinal);
                if (errors is not null)
                {
                    errorCells += errors.Count;
                    firstError ??= row.CellErrors![0].Error;
                }
                await writer.WriteLineAsync(string.Join(',', fields.Select(f => f.Value is null || errors?.Contains(f.Key) == true ? "" : Quote(f.Value)))).ConfigureAwait(false);
            }
        }
        catch (FileReadException e)
        {
            throw new CrawlException($"{workbook}: {e.Message}");
        }
        foreach (var warning in input.Warnings)
        {
            warn(warning);
        }
        if (errorCells > 0)
        {
            warn($"{errorCells} cell(s) hold an Excel error, crawled as empty ({firstError})");
        }
        if (first)
        {
            throw new CrawlException($"{workbook}: the first sheet has no data rows");
        }
        return target;
    }

    private static string Quote(string value) => "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
}
