using Emporium.Lake;

namespace Emporium.Sources;

/// <summary>Paths of the per-run-date stage zone (<c>stage/&lt;name&gt;/ds=YYYY-MM-DD/…</c>) used by DAG tasks. A run
/// replaces its whole <c>ds</c> folder, so re-running a day never leaves a second copy behind.</summary>
public static class StageZone
{
    public static string Folder(string name, DateOnly ds) => LakeLayout.StageFolder(name, ds) + "/";

    public static string File(string name, DateOnly ds, string fileName) => Folder(name, ds) + fileName;

    /// <summary>Writes one file as the only content of the day's folder: the new file lands atomically first, then
    /// any other file left by an earlier run of the same day is removed.</summary>
    public static async Task<string> ReplaceDayAsync(ILakeStore lake, string name, DateOnly ds, string fileName, string localFile, CancellationToken ct)
    {
        var path = File(name, ds, fileName);
        await lake.WriteFileAsync(path, localFile, ct);
        await foreach (var stale in lake.ListAsync(Folder(name, ds), ct))
        {
            if (stale.Path != path)
            {
                await lake.DeleteAsync(stale.Path, ct);
            }
        }
        return path;
    }
}
