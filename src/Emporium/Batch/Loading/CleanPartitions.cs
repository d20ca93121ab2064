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
        return LakeLayout.CleanFolder(schema.Name, day,
            extra.Select(i => (schema.Columns[i].Name, Convert.ToString(record.Values[i], System.Globalization.CultureInfo.InvariantCulture))));
    }
}
