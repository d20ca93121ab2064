using Emporium.Datasets;

namespace Emporium.Batch.Loading;

/// <summary>The <c>key=value</c> folders between the folder a load was given and a file under it, as Hive, Spark and
/// DuckDB's <c>hive_partitioning</c> write a partition column into the path instead of the rows. Only folders below
/// the given one count (as Spark's base path): a <c>key=value</c> folder above it is where the data lives, not what it
/// is.</summary>
public static class HivePartitions
{
    /// <summary>Hive's folder for a null partition value: no value to add.</summary>
    public const string NullPartition = Lake.LakeLayout.NullPartition;

    /// <summary>Partition values of <paramref name="file"/> under <paramref name="root"/>, outermost first, unescaped
    /// (Hive writes <c>/</c> as <c>%2F</c>); a key given twice keeps the innermost value.</summary>
    public static IReadOnlyDictionary<string, string> Of(string root, string file)
    {
        var values = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var folder = Path.GetDirectoryName(Path.GetRelativePath(root, file));
        if (string.IsNullOrEmpty(folder))
        {
            return values;
        }
        foreach (var segment in folder.Split(Path.DirectorySeparatorChar))
        {
            var equals = segment.IndexOf('=');
            if (equals <= 0 || segment[(equals + 1)..] is var value && value == NullPartition)
            {
                continue;
            }
            values[Uri.UnescapeDataString(segment[..equals])] = Uri.UnescapeDataString(value);
        }
        return values;
    }

    /// <summary>The partition values of <paramref name="file"/> that name a column of <paramref name="schema"/> (by the
    /// dataset's field-name matching), added under <paramref name="explicitValues"/>, which win: the values a row gets
    /// when the file lacks those columns.</summary>
    public static IReadOnlyDictionary<string, string>? Constants(DatasetSchema schema, string? root, string file, IReadOnlyDictionary<string, string>? explicitValues)
    {
        if (root is null || Of(root, file) is not { Count: > 0 } partitions)
        {
            return explicitValues;
        }
        var matcher = FieldNameMatcher.For(schema);
        var byColumn = new Dictionary<int, (string Key, string Value)>();
        foreach (var (key, value) in partitions)
        {
            if (matcher.TryMatch(key, out var match))
            {
                byColumn[match.Column] = (key, value);
            }
        }
        // An explicit value replaces a folder's for the same column, however either spells its name.
        foreach (var (key, value) in explicitValues ?? new Dictionary<string, string>())
        {
            byColumn[matcher.TryMatch(key, out var match) ? match.Column : -1 - byColumn.Count] = (key, value);
        }
        var merged = byColumn.Values.ToDictionary(v => v.Key, v => v.Value, StringComparer.OrdinalIgnoreCase);
        return merged.Count == 0 ? null : merged;
    }
}
