using System.Globalization;
using Emporium.Cli.Commands.Client;
using Emporium.Warehouse;
using Emporium.Batch.Catalog;
using Spectre.Console;

namespace Emporium.Cli.Commands.Batch;

/// <summary>Console rendering of catalog tables: one summary row each, or the full schema when detailed.</summary>
public static class CatalogOutput
{
    /// <summary>Most file paths the detailed print lists per table (a crawl of thousands of files would bury the schema); <c>emporium catalog NAME --format json</c> has them all.</summary>
    public const int ShownFiles = 50;

    public static void Write(IReadOnlyList<CatalogTable> tables, bool detailed, TextWriter? output = null)
    {
        output ??= Console.Out;
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(output) });
        if (!detailed)
        {
            // The query output's grid, or one record at a time where the grid would not fit the terminal.
            var columns = new[] { "name", "kind", "format", "rows", "columns", "partitions", "files", "last load (UTC)" }.Select(c => new QueryColumn(c, "varchar")).ToList();
            var rows = tables.Select(t => new object?[]
            {
                t.Name, t.Kind, t.Format, t.Rows.ToString("N0", CultureInfo.InvariantCulture), t.Columns.Count.ToString(CultureInfo.InvariantCulture),
                string.Join(", ", t.Partitions.Select(p => $"{p.Key} ({p.Values.Count})")), t.Files.Count.ToString(CultureInfo.InvariantCulture),
                t.LastLoad?.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) ?? "-",
            }).ToList();
            TableOutput.Write(new QueryResult(columns, rows), "table", output, "catalog");
            return;
        }
        foreach (var t in tables)
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{t.Name} ({t.Kind}, {t.Format}, schema v{t.Version}): {t.Rows:N0} rows, last load {t.LastLoad?.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) ?? "-"} UTC"));
            // Paths go out as plain lines: Spectre would break them at the console width, and a path cut in two can
            // no longer be copied.
            output.WriteLine($"  location: {t.Location}");
            var schema = new Table().Border(TableBorder.Simple);
            schema.AddColumn("column");
            schema.AddColumn("type");
            schema.AddColumn("since");
            foreach (var c in t.Columns)
            {
                schema.AddRow(Markup.Escape(c.Name), Markup.Escape(c.Type.ToLowerInvariant()), $"v{c.Since}{(c.Present ? "" : " (no longer in files)")}");
            }
            console.Write(schema);
            foreach (var p in t.Partitions)
            {
                console.MarkupLine(Markup.Escape($"  partition {p.Key}: {string.Join(", ", p.Values.Take(20).Select(v => v ?? "NULL"))}{(p.Values.Count > 20 ? $", … ({p.Values.Count})" : "")}"));
            }
            foreach (var f in t.Files.Take(ShownFiles))
            {
                output.WriteLine($"  file: {f}");
            }
            if (t.Files.Count > ShownFiles)
            {
                output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  … and {t.Files.Count - ShownFiles:N0} more files (emporium catalog {t.Name} --format json lists them all)"));
            }
        }
    }
}
