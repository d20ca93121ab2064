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
    /// <summary>Most bytes of UTF-8 a value of a text key column may have: 1 024 (1 024 ASCII characters, 341 of three
    /// bytes). A warehouse indexes the key, and PostgreSQL cannot index an entry over 2 704 bytes (SQLSTATE 54000);
    /// the widest key of a dataset, two text columns, stays under that at 1 024 each. The normalizer rejects a longer
    /// key naming its field, so ingest answers 400 and a load quarantines the row alike on every warehouse.</summary>
    public const int MaxKeyBytes = 1_024;

    /// <summary>Most bytes of UTF-8 a value of a column that names a lake folder (orders' <c>country</c>) may have: 80.
    /// The folder is <c>column=value</c> with the value percent-encoded, three characters per byte at worst, and a file
    /// system refuses a name past 255 bytes; one order with a longer country made the stream processor's lake write
    /// fail every second for good. The normalizer rejects a longer value naming its field.</summary>
    public const int MaxPartitionValueBytes = 80;

    /// <summary>Largest amount of money a price or cost column accepts, either sign: 10^12. Marts sum amounts as exact
    /// <c>DECIMAL(38, 6)</c> (the same totals on every warehouse), which holds less than 10^32: one record with a price
    /// of 10^33 made every read of its mart fail for everyone until the record was removed. With these bounds a sum
    /// needs 10^11 order lines to come near that.</summary>
    public const double MaxAmount = 1e12;

    /// <summary>Largest quantity of an order line, either sign: 10^9 (see <see cref="MaxAmount"/>).</summary>
    public const double MaxQuantity = 1e9;

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
