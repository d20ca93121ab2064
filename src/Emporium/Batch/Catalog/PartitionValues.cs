using Emporium.Batch.Loading;

namespace Emporium.Batch.Catalog;

/// <summary>The values of each partition key seen in paths, keys in the order first seen, values by code point. Hive's
/// folder for a null value (<c>__HIVE_DEFAULT_PARTITION__</c>) is listed as null, last, since that is what the table
/// holds there: its folder name was listed as a value no query of the table finds.</summary>
public sealed class PartitionValues
{
    private readonly Dictionary<string, SortedSet<string>> _values = new(StringComparer.Ordinal);
    private readonly HashSet<string> _nulls = new(StringComparer.Ordinal);
    private readonly List<string> _order = [];

    /// <summary>Adds <paramref name="value"/>, unescaped, under <paramref name="key"/>.</summary>
    public void Add(string key, string value)
    {
        if (!_values.TryGetValue(key, out var set))
        {
            _values[key] = set = new SortedSet<string>(StringComparer.Ordinal);
            _order.Add(key);
        }
        if (value == HivePartitions.NullPartition)
        {
            _nulls.Add(key);
        }
        else
        {
            set.Add(value);
        }
    }

    /// <summary>Each key with at most <paramref name="max"/> of its values.</summary>
    public IReadOnlyList<CatalogPartition> ToList(int max = int.MaxValue) =>
        _order.Select(k => new CatalogPartition(k, _values[k].Cast<string?>().Concat(_nulls.Contains(k) ? [null] : []).Take(max).ToList())).ToList();
}
