using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace Emporium.Lake;

/// <summary>Local scratch for files on their way into the lake or a warehouse (Parquet before its move, a load's staging,
/// a gzip file's decompressed copy, an extract, an upload). Each writer removes its own entries when it ends, but a
/// killed process cannot, and such leftovers can be gigabytes. Every entry is named <c>emporium-KIND-PID-ID</c> so that
/// what a dead process left can be told from what a running one is using.</summary>
public static partial class ScratchFolder
{
    /// <summary>Every scratch entry Emporium makes starts with this.</summary>
    public const string Prefix = "emporium-";

    /// <summary>A new, unique scratch path in <paramref name="folder"/> (the OS temp folder when null) for this process.</summary>
    /// <param name="kind">What it holds (a word: "send", "gunzip", "pg-extract", …).</param>
    /// <param name="extension">Appended as is (".parquet"), for readers that go by the name.</param>
    public static string NewPath(string? folder, string kind, string extension = "") =>
        Path.Combine(folder ?? Path.GetTempPath(),
            string.Create(CultureInfo.InvariantCulture, $"{Prefix}{kind}-{Environment.ProcessId}-{Guid.NewGuid():N}{extension}"));

    /// <summary>Deletes the scratch entries in <paramref name="folder"/>; returns how many went. Only for a folder of
    /// the data dir this process holds, before its first writer starts: nothing else writes there then.</summary>
    public static int ClearLeftovers(string folder) => Clear(folder, _ => true);

    /// <summary>Deletes the scratch entries in a folder other processes may share (the OS temp folder) whose process
    /// has ended; returns how many went. Entries of running processes, of other users (not deletable) and any name
    /// not made by <see cref="NewPath"/> stay.</summary>
    public static int ClearOrphans(string folder) => Clear(folder, entry =>
        OwnerOf(Path.GetFileName(entry)) is { } pid && pid != Environment.ProcessId && !IsRunning(pid));

    private static int Clear(string folder, Func<string, bool> orphaned)
    {
        if (!Directory.Exists(folder))
        {
            return 0;
        }
        var removed = 0;
        foreach (var entry in Directory.EnumerateFileSystemEntries(folder, Prefix + "*"))
        {
            if (!orphaned(entry))
            {
                continue;
            }
            try
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
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Someone else's, or gone meanwhile: not ours to insist on.
            }
        }
        return removed;
    }

    /// <summary>The process id in a name made by <see cref="NewPath"/>, or null.</summary>
    internal static int? OwnerOf(string name) =>
        OwnedName().Match(name) is { Success: true } m && int.TryParse(m.Groups[1].ValueSpan, NumberStyles.None, CultureInfo.InvariantCulture, out var pid)
            ? pid
            : null;

    internal static bool IsRunning(int pid)
    {
        if (OperatingSystem.IsLinux())
        {
            return Directory.Exists($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}");
        }
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    [GeneratedRegex("^emporium-[a-z0-9-]+?-([0-9]+)-[0-9a-f]{32}(\\.[A-Za-z0-9]+)?$")]
    private static partial Regex OwnedName();
}
