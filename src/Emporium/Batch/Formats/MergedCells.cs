using ExcelDataReader;

namespace Emporium.Batch.Formats;

/// <summary>A sheet's merged ranges, applied to its data rows: Excel shows a merged range's value in each of its cells
/// but stores it in the first (top-left) one, and the others read as empty, so a country merged over the rows of its
/// orders reached only the first row. Each empty cell of a range takes the range's value; a cell that holds a value of
/// its own keeps it. Rows come in order, so a range's value is known once its first row has been read.</summary>
internal sealed class MergedCells(CellRange[]? ranges)
{
    private readonly CellRange[] ranges = ranges ?? [];
    private readonly Dictionary<CellRange, string?> values = [];
    private readonly HashSet<CellRange> used = [];

    /// <summary>How many ranges gave their value to another cell.</summary>
    public int Filled => used.Count;

    /// <param name="row">The 0-based sheet row of <paramref name="cells"/>.</param>
    public void Fill(long row, string?[] cells)
    {
        foreach (var range in ranges)
        {
            if (row < range.FromRow || row > range.ToRow || range.FromColumn >= cells.Length)
            {
                continue;
            }
            if (row == range.FromRow)
            {
                values[range] = cells[range.FromColumn];
            }
            if (!values.TryGetValue(range, out var value) || value is null)
            {
                continue; // the range's first row is the header, or the range holds nothing
            }
            for (var column = range.FromColumn; column <= Math.Min(range.ToColumn, cells.Length - 1); column++)
            {
                if (cells[column] is null && (row != range.FromRow || column != range.FromColumn))
                {
                    cells[column] = value;
                    used.Add(range);
                }
            }
        }
    }
}
