namespace Emporium.Batch.Catalog;

/// <summary>Where the crawl puts a file DuckDB cannot read as it is (a workbook's CSV, a UTF-8 copy of other text):
/// under the crawl's scratch folder, with the file's folders below the crawled path kept, so Hive partitions in the
/// path still apply. The file's whole name plus ".csv" keeps copies of <c>a.csv</c>, <c>a.csv.gz</c> and
/// <c>a.xlsx</c> apart, and never ends in ".gz" (DuckDB would decompress by the name).</summary>
internal static class ScratchCopy
{
    public static string PathFor(string file, string root, string scratch)
    {
        var relative = Path.GetRelativePath(root, file);
        return Path.Combine(scratch, relative.StartsWith("..", StringComparison.Ordinal) ? Path.GetFileName(file) : relative) + ".csv";
    }
}
