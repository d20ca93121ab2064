namespace Emporium.Datasets;

/// <summary>The contract of one canonical dataset: columns, key, write mode and lake partitioning.</summary>
/// <param name="Name">Dataset name; also the log topic and the warehouse table.</param>
/// <param name="Columns">Canonical columns in warehouse order.</param>
/// <param name="Key">Key columns (empty for append-only datasets).</param>
/// <param name="Mode">Upsert or append.</param>
/// <param name="PartitionColumn">Timestamp column whose date partitions the clean lake zone; when null or empty,
/// the processing time is used.</param>
public sealed record DatasetSchema(
    string Name,
    IReadOnlyList<ColumnSchema> Columns,
    IReadOnlyList<string> Key,
    WriteMode Mode,
    string? PartitionColumn = null)
{
    /// <summary>Index of a canonical column, or -1.</summary>
    public int IndexOf(string column)
    {
        for (var i = 0; i < Columns.Count; i++)
        {
            if (string.Equals(Columns[i].Name, column, StringComparison.Ordinal))
            {
                return i;
            }
        }
        return -1;
    }
}
