using System.Runtime.CompilerServices;
using System.Text;

namespace Emporium.Datasets;

/// <summary>Maps input field names to a schema's columns: case-insensitive, with '_', '.', '-' and spaces ignored, so
/// <c>listPrice</c>, <c>list_price</c>, <c>LIST-PRICE</c> and <c>reviews.rating</c>-style dotted headers all match.
/// Built once per schema and cached; lookups allocate nothing.</summary>
public sealed class FieldNameMatcher
{
    /// <summary>Longest field name matched without allocating; longer names take a slower path. Small, because the
    /// buffer is zeroed on every call.</summary>
    private const int StackLimit = 48;

    private static readonly ConditionalWeakTable<DatasetSchema, FieldNameMatcher> Cache = new();

    private readonly Dictionary<string, Match> _byKey;
    private readonly Dictionary<string, Match>.AlternateLookup<ReadOnlySpan<char>> _bySpan;

    private FieldNameMatcher(DatasetSchema schema)
    {
        _byKey = new Dictionary<string, Match>(StringComparer.Ordinal);
        for (var i = 0; i < schema.Columns.Count; i++)
        {
            var column = schema.Columns[i];
            Add(schema, column.Name, new Match(i, 0));
            for (var a = 0; a < column.Aliases.Length; a++)
            {
                Add(schema, column.Aliases[a], new Match(i, a + 1));
            }
        }
        _bySpan = _byKey.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    /// <summary>A column index and how preferred the matched name is (0 = the canonical name, then aliases in order).</summary>
    public readonly record struct Match(int Column, int Rank);

    public static FieldNameMatcher For(DatasetSchema schema) => Cache.GetValue(schema, static s => new FieldNameMatcher(s));

    /// <summary>The matching column of an input field name, if any.</summary>
    public bool TryMatch(ReadOnlySpan<char> name, out Match match)
    {
        if (name.Length <= StackLimit)
        {
            Span<char> buffer = stackalloc char[StackLimit];
            return _bySpan.TryGetValue(buffer[..Normalize(name, buffer)], out match);
        }
        var big = new char[name.Length];
        return _bySpan.TryGetValue(big.AsSpan(0, Normalize(name, big)), out match);
    }

    /// <summary>The matching column of a raw UTF-8 JSON property name (as stored in the document, still escaped).</summary>
    public bool TryMatchUtf8(ReadOnlySpan<byte> rawName, out Match match)
    {
        if (rawName.Length <= StackLimit)
        {
            // ASCII without escapes (nearly every real name): fold through a table, one byte at a time.
            Span<char> buffer = stackalloc char[StackLimit];
            var n = 0;
            var table = AsciiFold;
            foreach (var b in rawName)
            {
                if (b >= 0x80 || b == (byte)'\\')
                {
                    n = -1;
                    break;
                }
                var c = table[b];
                if (c != '\0')
                {
                    buffer[n++] = c;
                }
            }
            if (n >= 0)
            {
                return _bySpan.TryGetValue(buffer[..n], out match);
            }
        }
        // Escaped or non-ASCII names are rare: decode JSON escapes properly through the reader.
        return TryMatch(DecodeJsonName(rawName), out match);
    }

    /// <summary>The lookup form of a field name: lower-case, without '_', '.', '-' and whitespace.</summary>
    public static string Normalize(string name)
    {
        var buffer = new char[name.Length];
        return new string(buffer, 0, Normalize(name, buffer));
    }

    private static int Normalize(ReadOnlySpan<char> name, Span<char> destination)
    {
        var n = 0;
        foreach (var c in name)
        {
            if (!IsIgnored(c))
            {
                destination[n++] = char.ToLowerInvariant(c);
            }
        }
        return n;
    }

    // A byte-order mark can stick to the first header of a CSV written by a spreadsheet: it is not part of the name.
    private static bool IsIgnored(char c) => c is '_' or '.' or '-' or '\uFEFF' || char.IsWhiteSpace(c);

    /// <summary>ASCII byte → lookup character: lower-cased, or '\0' for the ignored separators.</summary>
    private static readonly char[] AsciiFold = BuildAsciiFold();

    private static char[] BuildAsciiFold()
    {
        var table = new char[128];
        for (var b = 0; b < table.Length; b++)
        {
            var c = (char)b;
            table[b] = IsIgnored(c) ? '\0' : char.ToLowerInvariant(c);
        }
        return table;
    }

    private void Add(DatasetSchema schema, string name, Match match)
    {
        var key = Normalize(name);
        if (_byKey.TryGetValue(key, out var existing))
        {
            if (existing.Column != match.Column)
            {
                throw new InvalidOperationException(
                    $"{schema.Name}: input name '{name}' would match both {schema.Columns[existing.Column].Name} and {schema.Columns[match.Column].Name}");
            }
            return; // e.g. alias InvoiceNo of invoice_no: same key, keep the better rank
        }
        _byKey.Add(key, match);
    }

    /// <summary>A raw JSON property name (as written, still escaped) as a string.</summary>
    internal static string DecodeJsonName(ReadOnlySpan<byte> rawName)
    {
        if (rawName.IndexOf((byte)'\\') < 0)
        {
            return Encoding.UTF8.GetString(rawName);
        }
        // Wrap the raw name in quotes and let the JSON reader unescape it.
        var quoted = new byte[rawName.Length + 2];
        quoted[0] = (byte)'"';
        rawName.CopyTo(quoted.AsSpan(1));
        quoted[^1] = (byte)'"';
        var reader = new System.Text.Json.Utf8JsonReader(quoted);
        return reader.Read() ? reader.GetString() ?? string.Empty : Encoding.UTF8.GetString(rawName);
    }
}
