using System.IO.Compression;
using System.Xml;

namespace Emporium.Batch.Formats;

/// <summary>The cells of one sheet of an .xlsx workbook that hold an Excel error (<c>#DIV/0!</c>, <c>#N/A</c>,
/// <c>#VALUE!</c>…: a formula that failed, stored as <c>&lt;c t="e"&gt;</c>). ExcelDataReader gives such a cell as
/// empty, with no way to tell it from a blank one, so a price of <c>#DIV/0!</c> became a null price. So does a formula
/// whose result was never saved (a workbook written by a program that does not compute formulas). One streaming pass
/// over the sheet's XML finds both; only those cells are kept.</summary>
internal static class XlsxErrorCells
{
    private const string SpreadsheetMl = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
    private const string Relationships = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
    private const string PackageRelationships = "http://schemas.openxmlformats.org/package/2006/relationships";

    /// <summary>What a formula cell without a saved result is given as (<see cref="ErrorCell.Error"/>).</summary>
    public const string NoResult = "a formula with no saved result";

    /// <summary>One error cell: its 0-based column, its reference (<c>F5</c>) and the error as Excel shows it (or
    /// <see cref="NoResult"/>).</summary>
    public readonly record struct ErrorCell(int Column, string Reference, string Error);

    /// <summary>The error cells of sheet <paramref name="sheet"/> by 1-based sheet row; empty when the workbook is not
    /// an .xlsx package (a legacy .xls) or the sheet cannot be found in it.</summary>
    public static Dictionary<long, List<ErrorCell>> Read(Stream workbook, string sheet, CancellationToken ct)
    {
        var cells = new Dictionary<long, List<ErrorCell>>();
        using var zip = new ZipArchive(workbook, ZipArchiveMode.Read);
        if (SheetPart(zip, sheet) is not { } part || zip.GetEntry(part) is not { } entry)
        {
            return cells;
        }
        using var stream = entry.Open();
        using var xml = XmlReader.Create(stream, new XmlReaderSettings { IgnoreWhitespace = true, IgnoreComments = true, DtdProcessing = DtdProcessing.Prohibit });
        long row = 0;
        var column = -1;
        // The cell being read: its reference, whether it is an error cell, whether it has a formula and a cached value.
        string? reference = null;
        var isError = false;
        var hasFormula = false;
        string? value = null;
        while (xml.Read())
        {
            if (xml.NamespaceURI != SpreadsheetMl)
            {
                continue;
            }
            if (xml.NodeType == XmlNodeType.EndElement && xml.LocalName == "c")
            {
                Finish();
                continue;
            }
            if (xml.NodeType != XmlNodeType.Element)
            {
                continue;
            }
            switch (xml.LocalName)
            {
                case "row":
                    ct.ThrowIfCancellationRequested();
                    row = long.TryParse(xml.GetAttribute("r"), out var r) ? r : row + 1;
                    column = -1;
                    break;
                case "c":
                    reference = xml.GetAttribute("r");
                    column = reference is not null && ColumnOf(reference) is var c and >= 0 ? c : column + 1;
                    isError = xml.GetAttribute("t") == "e";
                    hasFormula = false;
                    value = null;
                    if (xml.IsEmptyElement)
                    {
                        Finish();
                    }
                    break;
                case "f":
                    hasFormula = true;
                    break;
                case "v":
                    value = xml.ReadElementContentAsString().Trim();
                    if (xml.NodeType == XmlNodeType.EndElement && xml.LocalName == "c")
                    {
                        Finish(); // ReadElementContentAsString moved onto the cell's end
                    }
                    break;
            }
        }
        return cells;

        void Finish()
        {
            // An error cell holds its error; a formula with no saved result (written by a program that does not compute
            // formulas) holds nothing that can be read as its value.
            var error = isError && value is { Length: > 0 } ? value
                : hasFormula && string.IsNullOrEmpty(value) ? NoResult
                : null;
            if (error is not null)
            {
                if (!cells.TryGetValue(row, out var list))
                {
                    cells[row] = list = [];
                }
                list.Add(new ErrorCell(column, reference ?? $"{ColumnName(column)}{row}", error));
            }
            reference = null;
            isError = hasFormula = false;
            value = null;
        }
    }

    /// <summary>The zip entry of the sheet named <paramref name="sheet"/>: workbook.xml names it with a relationship
    /// id, which the workbook's relationships resolve to a part.</summary>
    private static string? SheetPart(ZipArchive zip, string sheet)
    {
        string? id = null;
        using (var xml = Open(zip, "xl/workbook.xml"))
        {
            while (xml?.Read() == true)
            {
                if (xml.NodeType == XmlNodeType.Element && xml.LocalName == "sheet" && xml.GetAttribute("name") == sheet)
                {
                    id = xml.GetAttribute("id", Relationships);
                    break;
                }
            }
        }
        if (id is null)
        {
            return null;
        }
        using var rels = Open(zip, "xl/_rels/workbook.xml.rels");
        while (rels?.Read() == true)
        {
            if (rels.NodeType == XmlNodeType.Element && rels.LocalName == "Relationship" && rels.NamespaceURI == PackageRelationships
                && rels.GetAttribute("Id") == id && rels.GetAttribute("Target") is { } target)
            {
                return target.StartsWith('/') ? target[1..] : "xl/" + target;
            }
        }
        return null;
    }

    private static XmlReader? Open(ZipArchive zip, string name) =>
        zip.GetEntry(name) is { } entry
            ? XmlReader.Create(entry.Open(), new XmlReaderSettings { IgnoreWhitespace = true, DtdProcessing = DtdProcessing.Prohibit, CloseInput = true })
            : null;

    /// <summary>The 0-based column of a cell reference (<c>F5</c> → 5, <c>AA1</c> → 26), or -1.</summary>
    internal static int ColumnOf(string reference)
    {
        var column = 0;
        var letters = 0;
        foreach (var c in reference)
        {
            if (!char.IsAsciiLetter(c))
            {
                break;
            }
            column = column * 26 + (char.ToUpperInvariant(c) - 'A' + 1);
            letters++;
        }
        return letters == 0 ? -1 : column - 1;
    }

    /// <summary>The letters of a 0-based column (5 → <c>F</c>, 26 → <c>AA</c>).</summary>
    internal static string ColumnName(int column)
    {
        var name = "";
        for (var n = column + 1; n > 0; n = (n - 1) / 26)
        {
            name = (char)('A' + (n - 1) % 26) + name;
        }
        return name;
    }
}
