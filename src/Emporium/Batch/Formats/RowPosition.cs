namespace Emporium.Batch.Formats;

/// <summary>Where a row came from: 1-based record ordinal among the data rows and the 1-based physical line where it
/// starts (0 when the format has no lines, e.g. xlsx rows or parquet; for xlsx the line is the sheet row).</summary>
public readonly record struct RowPosition(long Record, long Line);
