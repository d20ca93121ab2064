using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Emporium.Datasets;
using Sylvan.Data.Csv;

namespace Emporium.Demo;

/// <summary>Streams generated rows to a file, CSV (<c>.csv</c>, header of canonical names, written by Sylvan) or
/// NDJSON (<c>.ndjson</c>, <c>.jsonl</c>, <c>.json</c>: one canonical JSON object per line), chosen by extension.
/// Memory stays constant whatever the row count. The file is written under a temporary name and renamed when
/// complete, so a cancelled or failed run never leaves a half file under the requested name.</summary>
public static class DemoFileWriter
{
    public static readonly IReadOnlyList<string> CsvExtensions = [".csv"];
    public static readonly IReadOnlyList<string> JsonExtensions = [".ndjson", ".jsonl", ".json"];

    /// <summary>Writes <paramref name="rows"/> rows (capped at the generator's maximum); returns the rows written.</summary>
    public static long Write(IDemoGenerator generator, long rows, string path, Action<long>? progress = null, CancellationToken cancellationToken = default)
    {
        var extension = Path.GetExtension(path).ToLowerInvariant();
        var csv = CsvExtensions.Contains(extension);
        if (!csv && !JsonExtensions.Contains(extension))
        {
            throw new ArgumentException(
                $"cannot tell the format of '{path}' from its extension: use {string.Join(", ", CsvExtensions.Concat(JsonExtensions))}");
        }
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        var full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        var temp = full + ".partial";
        using var reader = new DemoDataReader(generator, rows, progress, cancellationToken);
        try
        {
            using (var stream = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16))
            {
                if (csv)
                {
                    WriteCsv(reader, stream);
                }
                else
                {
                    WriteNdjson(generator.Schema, reader, stream);
                }
            }
            File.Move(temp, full, overwrite: true);
        }
        catch
        {
            File.Delete(temp);
            throw;
        }
        return reader.Rows;
    }

    private static void WriteCsv(DemoDataReader reader, Stream stream)
    {
        using var text = new StreamWriter(stream, new UTF8Encoding(false), 1 << 16);
        var options = new CsvDataWriterOptions
        {
            // ISO-8601 in UTC, readable by every CSV consumer and the normalizer alike.
            DateTimeFormat = "yyyy-MM-dd'T'HH:mm:ss'Z'",
            NewLine = "\n",
        };
        using var writer = CsvDataWriter.Create(text, options);
        writer.Write(reader);
    }

    private static void WriteNdjson(DatasetSchema schema, DemoDataReader reader, Stream stream)
    {
        // The JSON writer fills a memory buffer that goes to the file in large blocks: flushing the writer straight to
        // the file stream would flush the file once per row.
        const int FlushAt = 1 << 20;
        var buffer = new ArrayBufferWriter<byte>(FlushAt + (64 << 10));
        using var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { SkipValidation = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
        var values = new object?[schema.Columns.Count];
        while (reader.Read())
        {
            for (var i = 0; i < values.Length; i++)
            {
                values[i] = reader.IsDBNull(i) ? null : reader.GetValue(i);
            }
            CanonicalJson.Write(json, new CanonicalRecord(schema, values));
            json.Flush();
            buffer.GetSpan(1)[0] = (byte)'\n';
            buffer.Advance(1);
            json.Reset(buffer);
            if (buffer.WrittenCount >= FlushAt)
            {
                stream.Write(buffer.WrittenSpan);
                buffer.ResetWrittenCount();
            }
        }
        stream.Write(buffer.WrittenSpan);
    }
}
