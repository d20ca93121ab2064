using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using ExcelDataReader;

namespace Emporium.Batch.Formats;

/// <summary>Excel workbooks (.xlsx, and legacy .xls) through ExcelDataReader, which streams sheet rows from the zip
/// instead of loading the workbook. Reads the first visible sheet; its first non-empty row is the header. Cells become invariant text the
/// normalizer parses like CSV: whole numbers without ".0" (Excel stores every number as a double, so a customer id
/// 17850 must not become "17850.0"), dates as ISO <c>yyyy-MM-dd HH:mm:ss</c>. A cell holding an Excel error
/// (<c>#DIV/0!</c>) keeps its text and is named in the row's <see cref="SourceRow.CellErrors"/>.</summary>
public sealed class XlsxFormatReader : IFormatReader
{
    static XlsxFormatReader()
    {
        // Legacy .xls and some writers need the Windows code pages, which .NET Core ships but does not register.
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
    }

    public FileFormat Format => FileFormat.Xlsx;

    public async IAsyncEnumerable<SourceRow> ReadAsync(FormatInput input, [EnumeratorCancellation] CancellationToken ct)
    {
        await Task.Yield();
        await using var stream = input.OpenRead();
        IExcelDataReader excel;
        try
        {
            excel = ExcelReaderFactory.CreateReader(stream);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            throw new FileReadException($"not a readable Excel workbook: {e.Message}", e);
        }
        using var _ = excel;
        if (excel.ResultsCount > 1 && SelectSheet(excel) is { } warning)
        {
            input.Warn(warning);
        }
        var errorCells = ErrorCells(input, excel.Name, ct);
        var merged = new MergedCells(excel.MergeCells);
        HeaderIndex? header = null;
        long record = 0;
        long sheetRow = 0;
        while (true)
        {
            ct.ThrowIfCancellationRequested();
            bool more;
            string?[] cells;
            try
            {
                more = excel.Read();
                cells = more ? ReadCells(excel) : [];
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                throw new FileReadException($"corrupt workbook at sheet row {sheetRow + 1}: {e.Message}", e);
            }
            if (!more)
            {
                break;
            }
            sheetRow++;
            if (header is not null)
            {
                merged.Fill(sheetRow - 1, cells);
            }
            if (cells.All(c => c is null) && !errorCells.ContainsKey(sheetRow))
            {
                continue;
            }
            if (header is null)
            {
                header = new HeaderIndex(cells);
                input.Columns = header.Names;
                input.UnnamedColumns = header.Unnamed;
                continue;
            }
            record++;
            var position = new RowPosition(record, sheetRow);
            var width = header.Names.Count;
            var last = Array.FindLastIndex(cells, c => c is not null);
            if (last >= width)
            {
                yield return SourceRow.Failed(position, $"row has a value in column {last + 1}, the header has {width} columns", $"field {last + 1}", string.Join(',', cells));
                continue;
            }
            if (cells.Length != width)
            {
                Array.Resize(ref cells, width);
            }
            List<(string, string)>? cellErrors = null;
            if (errorCells.TryGetValue(sheetRow, out var errors))
            {
                foreach (var error in errors.Where(e => e.Column < width))
                {
                    if (error.Error == XlsxErrorCells.NoResult)
                    {
                        (cellErrors ??= []).Add((header.Names[error.Column], $"the cell {error.Reference} of sheet '{excel.Name}' holds a formula with no saved result (the workbook was written by a program that does not compute formulas; open and save it in Excel)"));
                        continue;
                    }
                    // The error as Excel shows it, so the quarantined row reads as the sheet did.
                    cells[error.Column] = error.Error;
                    (cellErrors ??= []).Add((header.Names[error.Column], $"the cell {error.Reference} of sheet '{excel.Name}' holds the Excel error {error.Error} (a formula that failed)"));
                }
            }
            yield return SourceRow.FromFields(position, new FieldRow(header, cells), cellErrors);
        }
        if (header is null)
        {
            throw new FileReadException($"the workbook's sheet '{excel.Name}' is empty");
        }
        if (merged.Filled > 0)
        {
            input.Warn($"{merged.Filled} merged cell range(s) in the data: every cell of a range took the range's value, as the sheet shows it (Excel stores it in the first cell only)");
        }
        input.ReportBytes(input.Probe.Size);
    }

    /// <summary>The sheet's error cells by sheet row (<see cref="XlsxErrorCells"/>): ExcelDataReader reads them as empty
    /// cells. None for a legacy .xls, whose cells are not in a zip package.</summary>
    private static Dictionary<long, List<XlsxErrorCells.ErrorCell>> ErrorCells(FormatInput input, string sheet, CancellationToken ct)
    {
        if (input.Probe.Head is not [(byte)'P', (byte)'K', ..])
        {
            return [];
        }
        try
        {
            using var stream = input.OpenRead();
            return XlsxErrorCells.Read(stream, sheet, ct);
        }
        catch (Exception e) when (e is InvalidDataException or System.Xml.XmlException)
        {
            throw new FileReadException($"corrupt workbook: {e.Message}", e);
        }
    }

    /// <summary>Moves to the first visible sheet and says which one is read and which are not. A hidden sheet (a lookup
    /// table, a pivot's source) is never what the workbook shows its reader, so it is skipped; the first visible one is
    /// read, as Excel opens on it.</summary>
    private static string? SelectSheet(IExcelDataReader excel)
    {
        var sheets = new List<(string Name, bool Visible)>();
        do
        {
            sheets.Add((excel.Name, excel.VisibleState is null or "visible"));
        }
        while (excel.NextResult());
        excel.Reset();
        var chosen = Math.Max(0, sheets.FindIndex(s => s.Visible));
        for (var i = 0; i < chosen; i++)
        {
            excel.NextResult();
        }
        var others = sheets.Where((_, i) => i != chosen).Select(s => $"'{s.Name}'{(s.Visible ? "" : " (hidden)")}");
        return $"workbook has {sheets.Count} sheets; only '{sheets[chosen].Name}', the first visible one, is read (not {string.Join(", ", others)})";
    }

    private static string?[] ReadCells(IExcelDataReader excel)
    {
        var cells = new string?[excel.FieldCount];
        for (var i = 0; i < cells.Length; i++)
        {
            cells[i] = CellText(excel.GetValue(i));
        }
        return cells;
    }

    internal static string? CellText(object? value) => value switch
    {
        null or DBNull => null,
        string s => s.Length == 0 ? null : s,
        double d when d == Math.Floor(d) && Math.Abs(d) < 1e15 => ((long)d).ToString(CultureInfo.InvariantCulture),
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        DateTime t => t.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture),
        bool b => b ? "true" : "false",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        var other => other.ToString(),
    };
}
