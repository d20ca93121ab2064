namespace Emporium.Batch.Catalog;

/// <summary>Splits the files of one crawl into groups of related schemas, the way Glue makes one table per schema it
/// finds under a path, but never splitting compatible files: two files belong together when they share at least half
/// of the columns of the narrower one (so a file that adds a column, or drops a few, stays with its siblings), and
/// relatedness is transitive. Files with nothing much in common (a folder holding products and categories) make
/// separate tables instead of one sparse union.</summary>
public static class SchemaGroups
{
    /// <summary>The groups, each in file order, ordered by their first file.</summary>
    public static IReadOnlyList<IReadOnlyList<string>> Split(IReadOnlyList<(string File, IReadOnlyCollection<string> Columns)> files)
    {
        var parent = Enumerable.Range(0, files.Count).ToArray();
        int Find(int i) => parent[i] == i ? i : parent[i] = Find(parent[i]);

        // Many files share one schema (partitioned dumps): compare each distinct column set once.
        var distinct = new List<(HashSet<string> Columns, int First)>();
        for (var i = 0; i < files.Count; i++)
        {
            var columns = new HashSet<string>(files[i].Columns, StringComparer.OrdinalIgnoreCase);
            var same = distinct.FindIndex(d => d.Columns.SetEquals(columns));
            if (same >= 0)
            {
                parent[Find(i)] = Find(distinct[same].First);
                continue;
            }
            foreach (var (other, first) in distinct)
            {
                if (Related(columns, other))
                {
                    parent[Find(i)] = Find(first);
                }
            }
            distinct.Add((columns, i));
        }
        return Enumerable.Range(0, files.Count)
            .GroupBy(Find)
            .Select(g => (IReadOnlyList<string>)g.Select(i => files[i].File).ToList())
            .ToList();
    }

    private static bool Related(HashSet<string> a, HashSet<string> b)
    {
        var narrower = Math.Min(a.Count, b.Count);
        if (narrower == 0)
        {
            return true;
        }
        var shared = a.Count <= b.Count ? a.Count(b.Contains) : b.Count(a.Contains);
        return shared * 2 >= narrower;
    }

    /// <summary>A name suffix per group: the first folder under <paramref name="root"/> that is not a Hive
    /// <c>key=value</c> partition when that tells every group apart (one folder per dataset), otherwise the first file's
    /// name without its extensions; a repeated suffix gets <c>_2</c>, <c>_3</c>….</summary>
    public static IReadOnlyList<string> Labels(string root, IReadOnlyList<IReadOnlyList<string>> groups)
    {
        var folders = groups.Select(g => FirstFolder(root, g[0])).ToList();
        var labels = folders.All(f => f is not null) && folders.Distinct(StringComparer.OrdinalIgnoreCase).Count() == folders.Count
            ? folders.Select(f => f!).ToList()
            : groups.Select(g => Stem(g[0])).ToList();
        var seen = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        var unique = new List<string>(labels.Count);
        foreach (var label in labels)
        {
            var n = seen[label] = seen.GetValueOrDefault(label) + 1;
            unique.Add(n == 1 ? label : $"{label}_{n}");
        }
        return unique;
    }

    private static string? FirstFolder(string root, string file) =>
        Path.GetRelativePath(root, Path.GetDirectoryName(file)!)
            .Split(Path.DirectorySeparatorChar)
            .FirstOrDefault(s => s is not "." and not ".." && s.Length > 0 && !s.Contains('=', StringComparison.Ordinal));

    private static string Stem(string file)
    {
        var name = Path.GetFileName(file);
        if (name.EndsWith(".gz", StringComparison.OrdinalIgnoreCase))
        {
            name = name[..^3];
        }
        return Path.GetFileNameWithoutExtension(name);
    }
}
