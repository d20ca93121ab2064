using System.Text.Json;

namespace Emporium.Batch.Formats;

/// <summary>Where the records sit in a JSON document: a list of property names from the root to an array of
/// objects (empty for a top-level array). Accepts <c>data.products</c>, <c>$.data.products</c> and
/// <c>data.products[*]</c>.</summary>
public sealed record JsonRecordPath(IReadOnlyList<string> Segments)
{
    public static JsonRecordPath Root { get; } = new([]);

    public override string ToString() => Segments.Count == 0 ? "$[*]" : "$." + string.Join('.', Segments) + "[*]";

    public static JsonRecordPath Parse(string text)
    {
        var t = text.Trim();
        if (t.StartsWith('$'))
        {
            t = t[1..];
        }
        if (t.EndsWith("[*]", StringComparison.Ordinal))
        {
            t = t[..^3];
        }
        var segments = t.Split('.', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return new JsonRecordPath(segments);
    }

    /// <summary>The records <paramref name="given"/> (a <c>--json-path</c>) picks in the JSON document probed by
    /// <paramref name="content"/>, as text (<c>$.a.b[*]</c>), when they are not the ones <see cref="Detect"/> finds there
    /// by itself; null when no path is given or it names those. What a load or a send takes from the document depends
    /// on it, so it is part of their identity: the same bytes read at two paths are two sets of records.</summary>
    public static string? Chosen(string? given, FileProbe content)
    {
        if (given is null)
        {
            return null;
        }
        var chosen = Parse(given).ToString();
        var found = Detect(content.Head.AsSpan(content.BomLength), content.Head.Length == content.Size)?.ToString();
        return chosen == found ? null : chosen;
    }

    /// <summary>Finds the first array of objects in the head of a document that is reachable through property
    /// names only (a top-level array, or e.g. RapidAPI's <c>data.products</c>). When the head is the whole document
    /// and has none, its first empty array so reachable: an empty result page (<c>[]</c>,
    /// <c>{"data":{"products":[]}}</c>) holds no records, it is not a document without a place for them. Null when
    /// there is neither. Throws <see cref="JsonException"/> where the head breaks the JSON syntax: such a document is
    /// malformed, not one whose records need a path.</summary>
    public static JsonRecordPath? Detect(ReadOnlySpan<byte> head, bool complete)
    {
        var reader = new Utf8JsonReader(head, complete, default);
        // One entry per open container: the property name it was opened under (null for the root and for
        // containers inside arrays).
        var stack = new List<string?>();
        string? pendingName = null;
        var afterArrayStart = false;
        List<string>? openedArray = null; // the path of the array opened by the previous token, when reachable
        JsonRecordPath? firstEmpty = null;
        while (reader.Read())
        {
            var token = reader.TokenType;
            if (token == JsonTokenType.StartObject && afterArrayStart)
            {
                var names = stack.Skip(1).ToList();
                if (names.All(n => n is not null))
                {
                    return new JsonRecordPath(names.Select(n => n!).ToList());
                }
            }
            if (token == JsonTokenType.EndArray && afterArrayStart && openedArray is not null)
            {
                firstEmpty ??= new JsonRecordPath(openedArray);
            }
            afterArrayStart = token == JsonTokenType.StartArray;
            openedArray = afterArrayStart ? PathOfNewContainer(stack, pendingName) : null;
            switch (token)
            {
                case JsonTokenType.StartObject:
                case JsonTokenType.StartArray:
                    stack.Add(pendingName);
                    pendingName = null;
                    break;
                case JsonTokenType.EndObject:
                case JsonTokenType.EndArray:
                    stack.RemoveAt(stack.Count - 1);
                    break;
                case JsonTokenType.PropertyName:
                    pendingName = reader.GetString();
                    break;
                default:
                    pendingName = null;
                    break;
            }
        }
        return complete ? firstEmpty : null;
    }

    /// <summary>The property names leading to a container about to open, or null when an array lies on the way.</summary>
    private static List<string>? PathOfNewContainer(List<string?> stack, string? name)
    {
        if (stack.Count == 0)
        {
            return []; // the root itself
        }
        var names = stack.Skip(1).Append(name).ToList();
        return names.All(n => n is not null) ? names.Select(n => n!).ToList() : null;
    }
}
