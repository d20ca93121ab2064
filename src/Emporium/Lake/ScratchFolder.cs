namespace Emporium.Lake;

/// <summary>Local scratch for files on their way into the lake (Parquet before its move, a load's staging, a gzip
/// file's decompressed copy). Each writer removes its own entries when it ends, but a killed process cannot, and
/// such leftovers can be gigabytes.</summary>
public static class ScratchFolder
{
    /// <summary>Every scratch entry Emporium makes starts with this.</summary>
    public const string Prefix = "emporium-";

    /// <summary>Deletes the scratch entries in <paramref name="folder"/>; returns how many went. Only for a folder of
    /// the data dir this process holds, before its first writer starts: nothing else writes there then.</summary>
    public static int ClearLeftovers(string folder)
    {
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
