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
                await writer.WriteLineAsync(string.Join(',', fields.Values.Select(v => v is null ? "" : Quote(v)))).ConfigureAwait(false);
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
        if (first)
        {
            throw new CrawlException($"{workbook}: the first sheet has no data rows");
        }
        return target;
    }

    private static string Quote(string value) => "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
}
