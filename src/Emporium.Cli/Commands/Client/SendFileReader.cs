using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using Sylvan.Data.Csv;

namespace Emporium.Cli.Commands.Client;

/// <summary>Reads a file for <c>emporium send</c> as JSON objects (UTF-8 bytes, one per record): CSV/TSV via
/// Sylvan.Data.Csv (header row; empty fields become null), a JSON array or object (streamed), or NDJSON/JSON lines.
/// The format comes from the extension, else from the first non-blank byte.</summary>
public static class SendFileReader
{
    public enum Format
    {
        Csv,
        Tsv,
        Json,
        NdJson,
    }

    public static Format Detect(string path)
    {
        switch (Path.GetExtension(path).ToLowerInvariant())
        {
            case ".csv": return Format.Csv;
            case ".tsv" or ".tab": return Format.Tsv;
            case ".ndjson" or ".jsonl": return Format.NdJson;
        }
        using var stream = File.OpenRead(path);
        var head = new byte[4096];
        var n = stream.Read(head, 0, head.Length);
        var text = Encoding.UTF8.GetString(head, 0, n).TrimStart('\uFEFF', ' ', '\t', '\r', '\n');
        if (text.StartsWith('['))
        {
            return Format.Json;
        }
        if (text.StartsWith('{'))
        {
            // One object per line is NDJSON (the seeds' .txt files); a pretty-printed object is JSON.
            var firstLine = text.Split('\n')[0].Trim();
            return firstLine.EndsWith('}') ? Format.NdJson : Format.Json;
        }
        return Path.GetExtension(path).Equals(".json", StringComparison.OrdinalIgnoreCase) ? Format.Json
            : text.Split('\n')[0].Contains('\t') ? Format.Tsv : Format.Csv;
    }

    public static async IAsyncEnumerable<byte[]> ReadAsync(string path, Format format, [EnumeratorCancellation] CancellationToken ct)
    {
        switch (format)
        {
            case Format.Csv or Format.Tsv:
                await foreach (var row in ReadDelimitedAsync(path, format == Format.Tsv ? '\t' : ',', ct))
                {
                    yield return row;
                }
                break;
            case Format.NdJson:
                await foreach (var line in File.ReadLinesAsync(path, ct))
                {
                    if (!string.IsNullOrWhiteSpace(line))
                    {
                        yield return Encoding.UTF8.GetBytes(line.Trim());
                    }
                }
                break;
            default:
                await using (var stream = File.OpenRead(path))
                {
                    var first = FirstByte(path);
                    if (first == '{')
                    {
                        using var doc = await JsonDocument.ParseAsync(stream, cancellationToken: ct);
                        yield return JsonSerializer.SerializeToUtf8Bytes(doc.RootElement);
                        break;
                    }
                    await foreach (var element in JsonSerializer.DeserializeAsyncEnumerable<JsonElement>(stream, cancellationToken: ct))
                    {
                        yield return JsonSerializer.SerializeToUtf8Bytes(element);
                    }
                }
                break;
        }
    }

    private static async IAsyncEnumerable<byte[]> ReadDelimitedAsync(string path, char delimiter, [EnumeratorCancellation] CancellationToken ct)
    {
        await using var csv = await CsvDataReader.CreateAsync(path, new CsvDataReaderOptions { Delimiter = delimiter, HasHeaders = true });
        var names = Enumerable.Range(0, csv.FieldCount).Select(i => csv.GetName(i).Trim('\uFEFF', ' ')).ToArray();
        var buffer = new MemoryStream();
        while (await csv.ReadAsync(ct))
        {
            buffer.SetLength(0);
            await using (var writer = new Utf8JsonWriter(buffer))
            {
                writer.WriteStartObject();
                for (var i = 0; i < names.Length && i < csv.RowFieldCount; i++)
                {
                    var value = csv.GetString(i);
                    if (value.Length == 0)
                    {
                        writer.WriteNull(names[i]);
                    }
                    else
                    {
                        writer.WriteString(names[i], value);
                    }
                }
                writer.WriteEndObject();
            }
            yield return buffer.ToArray();
        }
    }

    private static int FirstByte(string path)
    {
        using var stream = File.OpenRead(path);
        int b;
        while ((b = stream.ReadByte()) is ' ' or '\t' or '\r' or '\n' or 0xEF or 0xBB or 0xBF)
        {
        }
        return b;
    }
}
