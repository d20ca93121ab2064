namespace Emporium.Batch.Loading;

/// <summary>A data dir's scratch folder for file loads (<c>tmp/batch</c>): Parquet written before it moves into the
/// lake, DuckDB staging's Parquet, a gzip file's decompressed copy. What a killed load left there is removed with
/// <see cref="Lake.ScratchFolder.ClearLeftovers"/> when the data dir is next opened.</summary>
public static class BatchScratch
{
    public static string Folder(string dataDir) => Path.Combine(dataDir, "tmp", "batch");
}
