using System.Globalization;
using System.Text.Json;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;
using DuckDB.NET.Data;
using Emporium.Batch.Formats;

namespace Emporium.Tests.Batch;

/// <summary>Helpers the batch tests share: reading a whole file through the production readers, an independent
/// count/aggregate through DuckDB, and writing an .xlsx from CSV rows with OpenXml.</summary>
internal static class BatchTestFiles
{
    public sealed record ReadOutcome(FileFormat Format, List<SourceRowCopy> Rows, IReadOnlyList<string> Warnings);

    /// <summary>A row detached from its reader (JSON cloned) so tests can look at it later.</summary>
    public sealed record SourceRowCopy(RowPosition Position, Dictionary<string, string?>? Fields, JsonElement? Json, string? Error, string? ErrorColumn)
    {
        public string? Text(string name) =>
            Fields is not null ? Fields.GetValueOrDefault(name)
            : Json is { } j && j.TryGetProperty(name, out var v) ? (v.ValueKind == JsonValueKind.String ? v.GetString() : v.GetRawText())
            : null;
    }

    public static async Task<ReadOutcome> ReadAllAsync(string path, ReadSettings? settings = null)
    {
        settings ??= ReadSettings.Default;
        var probe = await FileProbe.RunAsync(path, CancellationToken.None);
        var warnings = new List<string>();
        var format = FormatDetector.Resolve(path, probe, settings.Format, warnings.Add);
        var input = new FormatInput(path, probe, settings);
        var rows = new List<SourceRowCopy>();
        await foreach (var row in FormatDetector.ReaderFor(format).ReadAsync(input, CancellationToken.None))
        {
            rows.Add(new SourceRowCopy(row.Position, row.Fields?.ToDictionary(k => k.Key, k => k.Value), row.IsJson ? row.Json.Clone() : null, row.Error, row.ErrorColumn));
        }
        return new ReadOutcome(format, rows, [.. warnings, .. input.Warnings]);
    }

    /// <summary>Runs a scalar query on a fresh in-memory DuckDB (an implementation independent of the readers).</summary>
    public static T DuckScalar<T>(string sql)
    {
        using var connection = new DuckDBConnection("Data Source=:memory:");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return (T)Convert.ChangeType(command.ExecuteScalar()!, typeof(T), CultureInfo.InvariantCulture);
    }

    /// <summary>Writes <paramref name="source"/> gzip-compressed to <paramref name="target"/> (folders created) and returns it.</summary>
    public static string Gzip(string source, string target)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        using var input = File.OpenRead(source);
        using var output = File.Create(target);
        using var gzip = new System.IO.Compression.GZipStream(output, System.IO.Compression.CompressionLevel.Fastest);
        input.CopyTo(gzip);
        return target;
    }

    public static string Sql(string path) => "'" + path.Replace("'", "''") + "'";

    /// <summary>One CSV field, quoted when it must be (a null is an empty field).</summary>
    public static string Csv(string? v) => v is null ? "" : v.Contains(',') || v.Contains('"') ? "\"" + v.Replace("\"", "\"\"") + "\"" : v;

    /// <summary>A sheet of text cells written before the data sheet (a lookup table, a cover note).</summary>
    public sealed record Sheet(string Name, bool Hidden, string[][] Rows);

    /// <summary>Writes rows to a sheet of a new workbook, after <paramref name="sheetsBefore"/> (none: the data sheet is
    /// the first). Numeric-looking cells become numbers, <paramref name="dateColumns"/> become real Excel dates and
    /// <see cref="ExcelErrors"/> become formulas that failed, as a spreadsheet saved by Excel would hold them; a value
    /// starting with <c>=</c> becomes a formula with no saved result, as a program that does not compute formulas writes it.</summary>
    /// <param name="merges">Merged ranges of the data sheet (<c>H2:H5</c>), written after its rows as Excel does.</param>
    public static void WriteXlsx(string path, IReadOnlyList<string> header, IEnumerable<string?[]> rows, ISet<string>? dateColumns = null, IReadOnlyList<Sheet>? sheetsBefore = null,
        IReadOnlyList<string>? merges = null)
    {
        File.Delete(path);
        using var document = SpreadsheetDocument.Create(path, SpreadsheetDocumentType.Workbook);
        var workbook = document.AddWorkbookPart();
        workbook.Workbook = new Workbook();
        var styles = workbook.AddNewPart<WorkbookStylesPart>();
        styles.Stylesheet = new Stylesheet(
            new NumberingFormats(new NumberingFormat { NumberFormatId = 164, FormatCode = "yyyy-mm-dd hh:mm:ss" }) { Count = 1 },
            new Fonts(new Font()) { Count = 1 },
            new Fills(new Fill(new PatternFill { PatternType = PatternValues.None }), new Fill(new PatternFill { PatternType = PatternValues.Gray125 })) { Count = 2 },
            new Borders(new Border()) { Count = 1 },
            new CellFormats(new CellFormat(), new CellFormat { NumberFormatId = 164, ApplyNumberFormat = true }) { Count = 2 });
        var sheets = new Sheets();
        foreach (var before in sheetsBefore ?? [])
        {
            var part = workbook.AddNewPart<WorksheetPart>();
            using (var writer = OpenXmlWriter.Create(part))
            {
                writer.WriteStartElement(new Worksheet());
                writer.WriteStartElement(new SheetData());
                foreach (var row in before.Rows)
                {
                    WriteRow(writer, row, row, null, isHeader: true);
                }
                writer.WriteEndElement();
                writer.WriteEndElement();
            }
            sheets.AppendChild(new DocumentFormat.OpenXml.Spreadsheet.Sheet
            {
                Id = workbook.GetIdOfPart(part), SheetId = (uint)sheets.ChildElements.Count + 1, Name = before.Name,
                State = before.Hidden ? SheetStateValues.Hidden : null,
            });
        }
        var sheetPart = workbook.AddNewPart<WorksheetPart>();
        using (var writer = OpenXmlWriter.Create(sheetPart))
        {
            writer.WriteStartElement(new Worksheet());
            writer.WriteStartElement(new SheetData());
            WriteRow(writer, header.Select(h => (string?)h).ToArray(), header, null, isHeader: true);
            foreach (var row in rows)
            {
                WriteRow(writer, row, header, dateColumns, isHeader: false);
            }
            writer.WriteEndElement();
            if (merges is { Count: > 0 })
            {
                writer.WriteStartElement(new MergeCells { Count = (uint)merges.Count });
                foreach (var range in merges)
                {
                    writer.WriteElement(new MergeCell { Reference = range });
                }
                writer.WriteEndElement();
            }
            writer.WriteEndElement();
        }
        sheets.AppendChild(new DocumentFormat.OpenXml.Spreadsheet.Sheet { Id = workbook.GetIdOfPart(sheetPart), SheetId = (uint)sheets.ChildElements.Count + 1, Name = "Online Retail" });
        workbook.Workbook.AppendChild(sheets);
        workbook.Workbook.Save();
    }

    /// <summary>The error values a cell of Excel can hold; <see cref="WriteXlsx"/> writes such a value as an error cell.</summary>
    public static readonly HashSet<string> ExcelErrors = ["#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A"];

    private static void WriteRow(OpenXmlWriter writer, string?[] row, IReadOnlyList<string> header, ISet<string>? dateColumns, bool isHeader)
    {
        writer.WriteStartElement(new Row());
        for (var i = 0; i < row.Length; i++)
        {
            var value = row[i];
            if (value is null)
            {
                writer.WriteElement(new Cell());
                continue;
            }
            if (!isHeader && ExcelErrors.Contains(value))
            {
                // As Excel saves a formula that failed: the formula and its cached error value.
                writer.WriteElement(new Cell(new CellFormula("1/0"), new CellValue(value)) { DataType = CellValues.Error });
                continue;
            }
            if (!isHeader && value.StartsWith('='))
            {
                // A formula whose result was never computed, as a program that writes formulas without Excel saves it.
                writer.WriteElement(new Cell(new CellFormula(value[1..])));
                continue;
            }
            if (!isHeader && dateColumns?.Contains(header[i]) == true && DateTime.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.None, out var when))
            {
                writer.WriteElement(new Cell(new CellValue(when.ToOADate().ToString("R", CultureInfo.InvariantCulture))) { DataType = CellValues.Number, StyleIndex = 1 });
            }
            else if (!isHeader && double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) && !value.StartsWith('0'))
            {
                writer.WriteElement(new Cell(new CellValue(number.ToString("R", CultureInfo.InvariantCulture))) { DataType = CellValues.Number });
            }
            else
            {
                writer.WriteElement(new Cell(new InlineString(new Text(value) { Space = SpaceProcessingModeValues.Preserve })) { DataType = CellValues.InlineString });
            }
        }
        writer.WriteEndElement();
    }

    /// <summary>Reads a CSV with a minimal RFC 4180 splitter written here, independent of the production reader.</summary>
    public static List<string?[]> ParseCsv(string path, out string[] header)
    {
        var text = File.ReadAllText(path);
        var records = new List<List<string>>();
        var field = new System.Text.StringBuilder();
        var current = new List<string>();
        var inQuotes = false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (inQuotes)
            {
                if (c == '"' && i + 1 < text.Length && text[i + 1] == '"') { field.Append('"'); i++; }
                else if (c == '"') { inQuotes = false; }
                else { field.Append(c); }
            }
            else if (c == '"') { inQuotes = true; }
            else if (c == ',') { current.Add(field.ToString()); field.Clear(); }
            else if (c == '\r') { }
            else if (c == '\n') { current.Add(field.ToString()); field.Clear(); records.Add(current); current = []; }
            else { field.Append(c); }
        }
        if (field.Length > 0 || current.Count > 0) { current.Add(field.ToString()); records.Add(current); }
        header = [.. records[0]];
        return records.Skip(1).Select(r => r.Select(v => v.Length == 0 ? null : v).ToArray()).ToList();
    }
}
