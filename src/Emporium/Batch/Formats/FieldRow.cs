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

    /// <summary>The fields under the names the file gives them, a repeated column's repeats included (where the keys
    /// above are made unique: <c>price</c>, <c>price_2</c>), so the normalizer sees a repeated column as it sees a JSON
    /// record's repeated key. The row itself when the header repeats no name.</summary>
    public IReadOnlyDictionary<string, string?> BySourceName() =>
        header.HasRepeats ? new FieldPairs(header.SourceNames.Select((n, i) => new KeyValuePair<string, string?>(n, i < values.Length ? values[i] : null)).ToList()) : this;

    /// <summary>The column names the file gives <paramref name="fields"/> (<see cref="BySourceName"/>), repeats
    /// included.</summary>
    public static IEnumerable<string> SourceNamesOf(IReadOnlyDictionary<string, string?> fields) =>
        fields is FieldRow row ? row.Header.SourceNames : fields.Keys;

    /// <summary>The columns of <paramref name="fields"/> whose header field is blank (<see cref="HeaderIndex.Unnamed"/>).</summary>
    public static IReadOnlyList<UnnamedColumn> UnnamedOf(IReadOnlyDictionary<string, string?> fields) =>
        fields is FieldRow row ? row.Header.Unnamed : [];

    private HeaderIndex Header => header;
}

/// <summary>Fields as a list of name and value that may repeat a name, for readers that only enumerate (the normalizer);
/// a lookup finds a name's first field.</summary>
internal sealed class FieldPairs(IReadOnlyList<KeyValuePair<string, string?>> pairs) : IReadOnlyDictionary<string, string?>
{
    public string? this[string key] => TryGetValue(key, out var v) ? v : throw new KeyNotFoundException(key);

    public IEnumerable<string> Keys => pairs.Select(p => p.Key);

    public IEnumerable<string?> Values => pairs.Select(p => p.Value);

    public int Count => pairs.Count;

    public bool ContainsKey(string key) => pairs.Any(p => p.Key == key);

    public bool TryGetValue(string key, [MaybeNullWhen(false)] out string? value)
    {
        foreach (var pair in pairs)
        {
            if (pair.Key == key)
            {
                value = pair.Value;
                return true;
            }
        }
        value = null;
        return false;
    }

    public IEnumerator<KeyValuePair<string, string?>> GetEnumerator() => pairs.GetEnumerator();

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
        var sources = new List<string>();
        var unnamed = new List<UnnamedColumn>();
        var position = 0;
        foreach (var raw in rawNames)
        {
            var blank = string.IsNullOrWhiteSpace(raw);
            var name = blank ? $"column{position}" : raw!.Trim().Trim('\uFEFF');
            var unique = name;
            for (var n = 2; index.ContainsKey(unique); n++)
            {
                unique = $"{name}_{n}";
            }
            HasRepeats |= unique != name;
            index[unique] = names.Count;
            names.Add(unique);
            sources.Add(name);
            if (blank)
            {
                unnamed.Add(new(name, position));
            }
            position++;
        }
        Names = names;
        SourceNames = sources;
        Unnamed = unnamed.Select(u => u with { Last = u.Position == position - 1 }).ToList();
    }

    /// <summary>The columns whose header field is blank, under the positional name they were given: most often the
    /// empty field after a delimiter that ends every line of an export (<c>a,b,c,</c>).</summary>
    public IReadOnlyList<UnnamedColumn> Unnamed { get; }

    /// <summary>The unique names, one per column.</summary>
    public IReadOnlyList<string> Names { get; }

    /// <summary>The names as the file gives them (trimmed), repeats kept.</summary>
    public IReadOnlyList<string> SourceNames { get; }

    public bool HasRepeats { get; }

    public int IndexOf(string name) => index.TryGetValue(name, out var i) ? i : -1;
}

/// <summary>A column whose header field is blank: <paramref name="Name"/> is the positional name it was given,
/// <paramref name="Position"/> its 0-based field, <paramref name="Last"/> whether it is the header's last field.</summary>
internal sealed record UnnamedColumn(string Name, int Position, bool Last = false)
{
    /// <summary>The warning of a loader that does not load such columns, saying why they exist rather than naming a
    /// column the file does not have.</summary>
    public static string Warning(IReadOnlyCollection<UnnamedColumn> columns) =>
        $"{Describe(columns)}: not loaded; any values under {(columns.Count > 1 ? "them" : "it")} are kept in the raw zone only";

    /// <summary>Which header fields have no name and, for a last one, why: the start of every reader's warning about them.</summary>
    public static string Describe(IReadOnlyCollection<UnnamedColumn> columns) =>
        $"header field{(columns.Count > 1 ? "s" : "")} {string.Join(", ", columns.Select(c => c.Position + 1))} " +
        $"{(columns.Count > 1 ? "have" : "has")} no name{(columns.Any(c => c.Last) ? " (a delimiter ending every line gives an empty last field)" : "")}";
}
