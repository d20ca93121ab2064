namespace Emporium.Batch.Catalog;

/// <summary>Where the crawl puts a file DuckDB cannot read as it is (a workbook's CSV, a UTF-8 copy of other text):
/// under the crawl's scratch folder, with the file's folders below the crawled path kept, so Hive partitions in the
/// path still apply. The file's whole name plus ".csv" keeps copies of <c>a.csv</c>, <c>a.csv.gz</c> and
/// <c>a.xlsx</c> apart, and never ends in ".gz" (DuckDB would decompress by the name). Also where a file read where it
/// lies is linked from when the crawled path is itself inside a partition folder (<see cref="InPlace"/>).</summary>
internal static class ScratchCopy
{
    public static string PathFor(string file, string root, string scratch) => Below(file, root, scratch) + ".csv";

    /// <summary>The path DuckDB reads a file by that needs no copy: the file itself, or, when a folder above the crawled
    /// path is a <c>key=value</c> folder (a crawl of <c>…/year=2010/</c>), a link to it under the scratch folder with only
    /// its folders below the crawled path. DuckDB's <c>hive_partitioning</c> takes every such folder of the path it is
    /// given: it made <c>year</c> a column the catalog did not list, which a scratch copy beside the file did not get,
    /// and the two failed to read together ("Hive partition mismatch").</summary>
    public static string InPlace(string file, string root, string scratch)
    {
        if (!root.Split(Path.DirectorySeparatorChar).Any(s => s.IndexOf('=') > 0))
        {
            return file;
        }
        var link = Below(file, root, Path.Combine(scratch, "links"));
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(link)!);
            File.CreateSymbolicLink(link, Path.GetFullPath(file));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return file; // no links here: the folders above stay columns, as DuckDB reads them
        }
        return link;
    }

    private static string Below(string file, string root, string folder)
    {
        var relative = Path.GetRelativePath(root, file);
        return Path.Combine(folder, relative.StartsWith("..", StringComparison.Ordinal) ? Path.GetFileName(file) : relative);
    }
}
