namespace Emporium.Batch.Loading;

/// <summary>A data dir's scratch folder for file loads (<c>tmp/batch</c>): Parquet written before it moves into the
/// lake, DuckDB staging's Parquet, a gzip file's decompressed copy. A load removes its own scratch when it ends, but a
/// killed one cannot, and a decompressed copy can be gigabytes.</summary>
public static class BatchScratch
{
    /// <summary>Every scratch entry a loader or its Parquet writer makes starts with this.</summary>
    public const string Prefix = "emporium-";

    public static string Folder(string dataDir) => Path.Combine(dataDir, "tmp", "batch");

    /// <summary>Deletes what killed loads left in the data dir's folder; returns how many entries went. Only for a
    /// process that holds the data dir, before its first load: nothing else loads into this folder then.</summary>
    public static int ClearLeftovers(string dataDir)
    {
        var folder = Folder(dataDir);
        if (!Directory.Exists(folder))
        {
            return 0;
        }

        var removed = 0;
        foreach (var entry in Directory.EnumerateFileSystemEntries(folder, Prefix + "*"))
        {
            if (Directory.Exists(entry))
            {
                Directory.Delete(entry, recursive: true);
            }
            else
            {
                File.Delete(entry);
            }
            removed++;
        }
        return removed;
    }
}
