using System.Collections;
using System.Text;

namespace Emporium.Warehouse;

/// <summary>About how many bytes a result value takes as the API writes it (JSON, text unescaped UTF-8): numbers and
/// instants at their longest spelling, text and blobs by their length. Cheap enough to run on every value of a user
/// query, which is what lets the reader stop at a byte budget.</summary>
internal static class JsonSize
{
    /// <summary>A row as a JSON array, with its separator.</summary>
    public static long Row(object?[] row)
    {
        long bytes = 3;
        foreach (var value in row)
        {
            bytes += Value(value) + 1;
        }
        return bytes;
    }

    public static long Value(object? value) => value switch
    {
        null => 4,
        bool => 5,
        string s => Encoding.UTF8.GetByteCount(s) + 2,
        byte[] b => (b.Length + 2) / 3 * 4 + 2,
        long or int or short or byte or sbyte or ushort or uint or ulong => 20,
        double or float => 24,
        decimal => 31,
        IDictionary map => Map(map),
        IEnumerable items => List(items),
        // Instants, dates, times and GUIDs: ISO 8601 with seven fractional digits and an offset is the longest.
        _ => 40,
    };

    private static long List(IEnumerable items)
    {
        long bytes = 2;
        foreach (var item in items)
        {
            bytes += Value(item) + 1;
        }
        return bytes;
    }

    private static long Map(IDictionary map)
    {
        long bytes = 2;
        foreach (DictionaryEntry entry in map)
        {
            bytes += Value(entry.Key?.ToString()) + Value(entry.Value) + 2;
        }
        return bytes;
    }
}
