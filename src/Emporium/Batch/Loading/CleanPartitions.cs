using Emporium.Datasets;
using Emporium.Lake;

namespace Emporium.Batch.Loading;

/// <summary>The clean-zone folder of a record: the date of the dataset's partition column (the load day when the
/// record has none), then the dataset's extra partition columns (country for orders), as the stream path lays out
/// the same zone.</summary>
internal sealed class CleanPartitions(DatasetSchema schema, DateOnly loadDay)
{
    private readonly int dateColumn = string.IsNullOrEmpty(schema.PartitionColumn) ? -1 : schema.IndexOf(schema.PartitionColumn);
    private readonly int[] extra = LakeLayout.CleanPartitionColumns(schema).Select(schema.IndexOf).Where(i => i >= 0).ToArray();

    public string FolderOf(CanonicalRecord record)
    {
        var day = dateColumn >= 0 && record.Values[dateColumn] is DateTime t ? DateOnly.FromDateTime(t) : loadDay;
        return Folder(day, extra.Select(i => record.Values[i]));
    }

    /// <summary>The same keys as SQL expressions over a table of canonical columns (DuckDB): the date, then the extra
    /// partition columns, so a bulk load groups its rows exactly as <see cref="FolderOf(CanonicalRecord)"/> would.</summary>
    public IReadOnlyList<string> SqlKeys() =>
    [
        dateColumn >= 0
            ? $"coalesce(CAST({Warehouse.DuckDb.DuckDbSql.Quote(schema.Columns[dateColumn].Name)} AS DATE), DATE '{LakeLayout.Date(loadDay)}')"
            : $"DATE '{LakeLayout.Date(loadDay)}'",
        .. extra.Select(i => Warehouse.DuckDb.DuckDbSql.Quote(schema.Columns[i].Name)),
    ];

    /// <summary>The folder of one group of <see cref="SqlKeys"/> values as read back from DuckDB.</summary>
    public string FolderOf(ReadOnlySpan<object?> keys)
    {
        var day = keys[0] switch
        {
            DateOnly d => d,
            DateTime t => DateOnly.FromDateTime(t),
            _ => loadDay,
        };
        return Folder(day, keys[1..].ToArray());
    }

    private string Folder(DateOnly day, IEnumerable<object?> extras) =>
        LakeLayout.CleanFolder(schema.Name, day,
            extra.Zip(extras, (i, v) => (schema.Columns[i].Name, Convert.ToString(v, System.Globalization.CultureInfo.InvariantCulture))));
}
