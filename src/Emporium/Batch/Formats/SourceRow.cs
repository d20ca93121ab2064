using System.Text.Json;

namespace Emporium.Batch.Formats;

/// <summary>One row read from a file: either text fields (CSV/TSV/XLSX/Parquet, keyed by header), a JSON object
/// (JSON/NDJSON), or a read error for this row only (ragged row, unparseable line). A row is only valid until the
/// reader is advanced: JSON rows borrow a document the reader disposes on the next step.</summary>
public sealed class SourceRow
{
    private SourceRow(RowPosition position, IReadOnlyDictionary<string, string?>? fields, JsonElement json, string? error, string? errorColumn, string? raw)
    {
        Position = position;
        Fields = fields;
        Json = json;
        Error = error;
        ErrorColumn = errorColumn;
        Raw = raw;
    }

    public RowPosition Position { get; }

    /// <summary>Text fields by header name, null for JSON rows and errors.</summary>
    public IReadOnlyDictionary<string, string?>? Fields { get; }

    /// <summary>The JSON object of a JSON/NDJSON row (default otherwise).</summary>
    public JsonElement Json { get; }

    /// <summary>Why this row could not be read, or null.</summary>
    public string? Error { get; }

    /// <summary>The column (header name or 1-based field number) the error refers to, when known.</summary>
    public string? ErrorColumn { get; }

    /// <summary>The row's source text, kept for rejected rows so the quarantine holds what arrived (possibly cut).</summary>
    public string? Raw { get; }

    public bool IsJson => Fields is null && Error is null;

    /// <summary>Fields whose cell held a value that is an error, not data (a workbook's <c>#DIV/0!</c>): the column and
    /// why. The row is refused when the dataset takes one of these columns; a column it does not take does not matter.</summary>
    public IReadOnlyList<(string Column, string Error)>? CellErrors { get; private init; }

    public static SourceRow FromFields(RowPosition position, IReadOnlyDictionary<string, string?> fields) =>
        new(position, fields, default, null, null, null);

    public static SourceRow FromFields(RowPosition position, IReadOnlyDictionary<string, string?> fields, IReadOnlyList<(string Column, string Error)>? cellErrors) =>
        new(position, fields, default, null, null, null) { CellErrors = cellErrors };

    public static SourceRow FromJson(RowPosition position, JsonElement json) => new(position, null, json, null, null, null);

    public static SourceRow Failed(RowPosition position, string error, string? column, string? raw) =>
        new(position, null, default, error, column, raw);
}
