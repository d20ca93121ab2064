using Emporium.Configuration;
using Microsoft.Extensions.FileSystemGlobbing;

namespace Emporium.Batch.Loading;

/// <summary>Turns the paths given to <c>load</c> and <c>crawl</c> into files: a file as is, a folder recursively, a glob
/// (<c>data/*.csv</c>, <c>in/**/*.json</c>) by matching. Hidden files, temp names (<c>.part</c>, <c>.tmp</c>, <c>~$</c>
/// lock files) and Spark's or Hadoop's markers (<c>_SUCCESS</c>, <c>_metadata</c>) are skipped in folders and globs, so
/// is everything under a hidden or <c>_</c> folder below the given path (as Hadoop's input formats skip them), and a
/// folder's documentation, code and images too (<see cref="NotData"/>), and an Emporium data dir below the path (its
/// log segments, lake and lock are Emporium's own, and a running server holds its lock open); a path that matches
/// nothing is reported.</summary>
public static class PathExpander
{
    /// <summary>Extensions of files that live beside data without being data (a dataset folder's README.md or
    /// SOURCE.md once became a one-column table of its own lines in a crawl). Left out of folder walks only: a file
    /// named on its own, or matched by a glob, is taken whatever its extension.</summary>
    private static readonly HashSet<string> NotData = new(StringComparer.OrdinalIgnoreCase)
    {
        ".md", ".markdown", ".rst", ".pdf", ".doc", ".docx", ".png", ".jpg", ".jpeg", ".gif", ".svg", ".html", ".htm",
        ".py", ".ipynb", ".sh", ".yml", ".yaml", ".toml", ".ini", ".cfg", ".sql",
    };

    /// <param name="Roots">For each file found in a folder or by a glob, that folder (the glob's fixed part): where its
    /// <see cref="HivePartitions"/> start. A file named on its own has none.</param>
    public sealed record Expansion(IReadOnlyList<string> Files, IReadOnlyList<string> Missing, IReadOnlyDictionary<string, string> Roots);

    public static Expansion Expand(IEnumerable<string> paths)
    {
        var files = new List<string>();
        var missing = new List<string>();
        var roots = new Dictionary<string, string>(StringComparer.Ordinal);
        var dataDirs = new Dictionary<string, bool>(StringComparer.Ordinal);
        foreach (var given in paths)
        {
            var full = Path.GetFullPath(given);
            if (File.Exists(full))
            {
                files.Add(full);
                continue;
            }
            IEnumerable<string> found;
            string root;
            if (Directory.Exists(full))
            {
                root = full;
                found = Directory.EnumerateFiles(full, "*", SearchOption.AllDirectories)
                    .Where(f => !NotData.Contains(Path.GetExtension(f)) && !InIgnoredFolder(full, f, dataDirs));
            }
            else if (given.IndexOfAny(['*', '?', '[']) >= 0)
            {
                root = GlobRoot(full);
                found = Glob(root, full).Where(f => !InIgnoredFolder(root, f, dataDirs));
            }
            else
            {
                missing.Add(given);
                continue;
            }
            var matched = found.Where(f => !IsIgnored(f)).Order(StringComparer.Ordinal).ToList();
            if (matched.Count == 0)
            {
                missing.Add(given);
            }
            files.AddRange(matched);
            foreach (var file in matched)
            {
                roots.TryAdd(file, root);
            }
        }
        return new Expansion(files.Distinct(StringComparer.Ordinal).ToList(), missing, roots);
    }

    /// <summary>Names a writer uses while a file is still arriving, or that are not data: dotfiles, temp names, and what
    /// Spark and Hadoop leave beside their output (<c>_SUCCESS</c>, <c>_committed_…</c>, <c>_metadata</c>).</summary>
    public static bool IsIgnored(string path)
    {
        var name = Path.GetFileName(path);
        return name.StartsWith('.') || name.StartsWith('_') || name.StartsWith("~$", StringComparison.Ordinal)
            || name.EndsWith(".part", StringComparison.OrdinalIgnoreCase) || name.EndsWith(".tmp", StringComparison.OrdinalIgnoreCase)
            || name.EndsWith(".partial", StringComparison.OrdinalIgnoreCase) || name.EndsWith(".crdownload", StringComparison.OrdinalIgnoreCase)
            || name.EndsWith(".swp", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>The fixed part of a glob: the folder to search.</summary>
    private static string GlobRoot(string pattern)
    {
        var parts = pattern.Split(Path.DirectorySeparatorChar);
        var root = string.Join(Path.DirectorySeparatorChar, parts[..Wildcard(parts)]);
        return root.Length == 0 ? Path.DirectorySeparatorChar.ToString() : root;
    }

    private static int Wildcard(string[] parts) => Array.FindIndex(parts, p => p.IndexOfAny(['*', '?', '[']) >= 0);

    private static IEnumerable<string> Glob(string root, string pattern)
    {
        if (!Directory.Exists(root))
        {
            return [];
        }
        // The rest of the pattern is matched relative to the root.
        var parts = pattern.Split(Path.DirectorySeparatorChar);
        var matcher = new Matcher(StringComparison.Ordinal);
        matcher.AddInclude(string.Join('/', parts[Wildcard(parts)..]));
        return matcher.GetResultsInFullPath(root);
    }

    /// <summary>True when a folder between <paramref name="root"/> and the file is hidden or a writer's own
    /// (<c>.git</c>, <c>.ipynb_checkpoints</c>, Spark's <c>_temporary</c> with its uncommitted task output, Delta's
    /// <c>_delta_log</c>): what lies there is not the folder's data, and loading it would add rows twice or rows that
    /// were never committed. So is an Emporium data dir (a folder holding <see cref="DataDirFiles.Lock"/>), the root
    /// included; <paramref name="dataDirs"/> remembers which folders were looked at.</summary>
    private static bool InIgnoredFolder(string root, string file, Dictionary<string, bool> dataDirs)
    {
        var folder = Path.GetDirectoryName(Path.GetRelativePath(root, file));
        if (!string.IsNullOrEmpty(folder)
            && folder.Split(Path.DirectorySeparatorChar).Any(part => part.StartsWith('.') || part.StartsWith('_')))
        {
            return true;
        }
        for (var dir = Path.GetDirectoryName(file); dir is not null && dir.Length >= root.Length; dir = Path.GetDirectoryName(dir))
        {
            if (!dataDirs.TryGetValue(dir, out var isDataDir))
            {
                dataDirs[dir] = isDataDir = File.Exists(Path.Combine(dir, DataDirFiles.Lock));
            }
            if (isDataDir)
            {
                return true;
            }
        }
        return false;
    }
}
