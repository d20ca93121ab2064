using System.Collections;
using System.Diagnostics.CodeAnalysis;

namespace Emporium.Batch.Formats;

/// <summary>A row of text fields sharing one header index, so streaming millions of rows allocates one value array
/// per row instead of a dictionary.</summary>
internal sealed class FieldRow(HeaderIndex header, string?[] values) : IReadOnlyDictionary<string, string?>
{
    public string? this[string key] => TryGetValue(key, out var v) ? v : throw new KeyNotFoundException(key);

    public IEnumerable<string> Keys => header.Names;

    public IEnumerable<string?> Values => values;

    public int Count => header.Names.Count;

    public bool ContainsKey(string key) => header.IndexOf(key) >= 0;

    public bool TryGetValue(string key, [MaybeNullWhen(false)] out string? value)
    {
        var i = header.IndexOf(key);
        value = i >= 0 && i < values.Length ? values[i] : null;
        return i >= 0;
    }

    public IEnumerator<KeyValuePair<string, string?>> GetEnumerator()
    {
        for (var i = 0; i < header.Names.Count; i++)
        {
            yield return new(header.Names[i], i < values.Length ? values[i] : null);
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}

/// <summary>Column names of a tabular file made unique (a repeated or empty header gets a suffix or a positional
/// name) so no column is silently lost.</summary>
internal sealed class HeaderIndex
{
    private readonly Dictionary<string, int> index = new(StringComparer.Ordinal);

    public HeaderIndex(IEnumerable<string?> rawNames)
    {
        var names = new List<string>();
        var position = 0;
        foreach (var raw in rawNames)
        {
            var name = string.IsNullOrWhiteSpace(raw) ? $"column{position}" : raw.Trim().Trim('\uFEFF');
            var unique = name;
            for (var n = 2; index.ContainsKey(unique); n++)
            {
                unique = $"{name}_{n}";
            }
            index[unique] = names.Count;
            names.Add(unique);
            position++;
        }
        Names = names;
    }

    public IReadOnlyList<string> Names { get; }

    public int IndexOf(string name) => index.TryGetValue(name, out var i) ? i : -1;
}
