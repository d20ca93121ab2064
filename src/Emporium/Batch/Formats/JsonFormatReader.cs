using System.Runtime.CompilerServices;
using System.Text.Json;

namespace Emporium.Batch.Formats;

/// <summary>A JSON document holding the records as an array: at the top level, or under a property path such as
/// RapidAPI's <c>data.products[*]</c> (given, or detected from the file's head). Streams element by element, so a
/// large array is never held whole. Non-object elements are failed rows; malformed JSON stops the file at the line
/// where it breaks, keeping the records before it.</summary>
public sealed class JsonFormatReader : IFormatReader
{
    public const int MaxRecordBytes = 16 * 1024 * 1024;

    public FileFormat Format => FileFormat.Json;

    public async IAsyncEnumerable<SourceRow> ReadAsync(FormatInput input, [EnumeratorCancellation] CancellationToken ct)
    {
        var probe = input.Probe;
        if (probe.Size - probe.BomLength == 0)
        {
            throw new FileReadException("the file is empty");
        }
        if (!probe.IsValidUtf8)
        {
            throw new FileReadException($"JSON must be UTF-8; invalid byte at offset {probe.FirstInvalidUtf8Offset}");
        }
        var path = input.Settings.JsonPath is { } given ? JsonRecordPath.Parse(given) : DetectPath(probe);
        if (input.Settings.JsonPath is null && path.Segments.Count > 0)
        {
            input.Warn($"records read from {path}");
        }

        await using var stream = input.OpenRead();
        using var window = new JsonStreamWindow(stream, MaxRecordBytes);
        await window.FillAsync(ct);
        window.SkipBom();

        var depth = 0; // how many path segments have been entered
        while (true)
        {
            var step = Navigate(window, path, ref depth);
            if (step == Step.Found)
            {
                break;
            }
            if (step == Step.Missing)
            {
                throw new FileReadException($"the document has no array at {path}");
            }
            await window.FillAsync(ct);
        }

        long record = 0;
        while (true)
        {
            ct.ThrowIfCancellationRequested();
            var step = NextElement(window, out var doc, out var line);
            if (step == Step.NeedMore)
            {
                await window.FillAsync(ct);
                continue;
            }
            if (step == Step.Done)
            {
                break;
            }
            record++;
            using (doc)
            {
                yield return doc!.RootElement.ValueKind == JsonValueKind.Object
                    ? SourceRow.FromJson(new RowPosition(record, line), doc.RootElement)
                    : SourceRow.Failed(new RowPosition(record, line), $"array element is a JSON {doc.RootElement.ValueKind.ToString().ToLowerInvariant()}, not an object", null, doc.RootElement.GetRawText());
            }
        }
        input.ReportBytes(probe.Size);
    }

    /// <summary>The records' path found in the file's head. A head that breaks the JSON syntax fails naming its line: it
    /// used to be taken for a document without an array and explained with "pass --json-path".</summary>
    private static JsonRecordPath DetectPath(FileProbe probe)
    {
        JsonRecordPath? path;
        try
        {
            path = JsonRecordPath.Detect(probe.Head.AsSpan(probe.BomLength), probe.Head.Length == probe.Size);
        }
        catch (JsonException e)
        {
            throw new FileReadException($"invalid JSON at line {(e.LineNumber ?? 0) + 1}: {Diagnostics.JsonErrorText.FirstSentence(e.Message)}", e);
        }
        return path ?? throw FileReadException.NoRecordArray("no array of objects found in the first 64 KiB; pass the records' path (e.g. --json-path data.products)");
    }

    private enum Step { NeedMore, Found, Missing, Element, Done }

    /// <summary>Moves to the start of the records array, one property at a time; commits only complete moves.</summary>
    private static Step Navigate(JsonStreamWindow window, JsonRecordPath path, ref int depth)
    {
        var reader = window.Reader();
        try
        {
            while (true)
            {
                if (!reader.Read())
                {
                    return Step.NeedMore;
                }
                if (reader.TokenType == JsonTokenType.StartArray && depth == path.Segments.Count)
                {
                    window.Commit(ref reader);
                    return Step.Found;
                }
                if (reader.TokenType == JsonTokenType.StartObject && depth == 0 && reader.CurrentDepth == 0)
                {
                    if (path.Segments.Count == 0)
                    {
                        return Step.Missing;
                    }
                    window.Commit(ref reader);
                    continue;
                }
                if (reader.TokenType == JsonTokenType.EndObject)
                {
                    return Step.Missing; // the object holding the next segment ended without it
                }
                if (reader.TokenType != JsonTokenType.PropertyName)
                {
                    return Step.Missing;
                }
                if (string.Equals(reader.GetString(), path.Segments[depth], StringComparison.OrdinalIgnoreCase))
                {
                    if (!reader.Read())
                    {
                        return Step.NeedMore;
                    }
                    if (depth == path.Segments.Count - 1)
                    {
                        if (reader.TokenType != JsonTokenType.StartArray)
                        {
                            return Step.Missing;
                        }
                        depth++;
                        window.Commit(ref reader);
                        return Step.Found;
                    }
                    if (reader.TokenType != JsonTokenType.StartObject)
                    {
                        return Step.Missing;
                    }
                    depth++;
                    window.Commit(ref reader);
                    continue;
                }
                if (!reader.TrySkip())
                {
                    return Step.NeedMore;
                }
                window.Commit(ref reader);
            }
        }
        catch (JsonException e)
        {
            throw new FileReadException($"invalid JSON near line {window.Line}: {e.Message}", e);
        }
    }

    private static Step NextElement(JsonStreamWindow window, out JsonDocument? doc, out long line)
    {
        doc = null;
        line = 0;
        long start = 0;
        var reader = window.Reader();
        try
        {
            if (!reader.Read())
            {
                return Step.NeedMore;
            }
            if (reader.TokenType == JsonTokenType.EndArray)
            {
                window.Commit(ref reader);
                return Step.Done; // whatever follows the records array is metadata, not records
            }
            line = window.LineAt(reader.TokenStartIndex);
            start = reader.TokenStartIndex;
            if (!JsonDocument.TryParseValue(ref reader, out doc))
            {
                return Step.NeedMore;
            }
            window.Commit(ref reader);
            return Step.Element;
        }
        catch (JsonException e)
        {
            if (window.Eof && window.EndsMidValue())
            {
                throw line > 0
                    ? FileReadException.CutShort("a record", line, window.OffsetAt(start))
                    : FileReadException.CutShort("the records array", window.Line, window.Offset);
            }
            throw new FileReadException($"invalid JSON at line {window.Line + (e.LineNumber ?? 0)}: {Diagnostics.JsonErrorText.FirstSentence(e.Message)}", e);
        }
    }
}
