using System.Text.Json;

namespace Emporium.Batch.Formats;

/// <summary>Decides how to read a file from its bytes first and its name second: <c>PK</c> (zip) or the OLE2
/// signature is a workbook, <c>PAR1</c> is Parquet, <c>[</c>/<c>{</c> is JSON (several top-level objects, one per
/// line, is JSON lines), anything else that is text is delimited text. When the name disagrees with the bytes the
/// bytes win with a warning, except that a name promising a binary or JSON format the bytes do not have is refused
/// (a "workbook" that is not a zip is corrupt, not a CSV).</summary>
public static class FormatDetector
{
    private static readonly IReadOnlyDictionary<FileFormat, IFormatReader> Readers = new Dictionary<FileFormat, IFormatReader>
    {
        [FileFormat.Csv] = new CsvFormatReader(FileFormat.Csv),
        [FileFormat.Tsv] = new CsvFormatReader(FileFormat.Tsv),
        [FileFormat.Json] = new JsonFormatReader(),
        [FileFormat.Ndjson] = new NdjsonFormatReader(),
        [FileFormat.Xlsx] = new XlsxFormatReader(),
        [FileFormat.Parquet] = new ParquetFormatReader(),
    };

    public static IFormatReader ReaderFor(FileFormat format) =>
        Readers.TryGetValue(format, out var reader) ? reader : throw new ArgumentOutOfRangeException(nameof(format), format, "no reader");

    /// <summary>The format implied by a file name, or null (e.g. ".txt", no extension).</summary>
    public static FileFormat? FromExtension(string path)
    {
        var name = Path.GetFileName(path).ToLowerInvariant();
        foreach (var compressed in new[] { ".gz", ".zst" })
        {
            if (name.EndsWith(compressed, StringComparison.Ordinal))
            {
                return null;
            }
        }
        return Path.GetExtension(name) switch
        {
            ".csv" => FileFormat.Csv,
            ".tsv" or ".tab" => FileFormat.Tsv,
            ".json" => FileFormat.Json,
            ".ndjson" or ".jsonl" => FileFormat.Ndjson,
            ".xlsx" or ".xls" or ".xlsm" => FileFormat.Xlsx,
            ".parquet" or ".pq" => FileFormat.Parquet,
            _ => null,
        };
    }

    /// <summary>The format the bytes show, or null when they are not a format Emporium reads (binary junk).</summary>
    public static FileFormat? FromContent(FileProbe probe)
    {
        var head = probe.Head.AsSpan();
        if (head.StartsWith("PK\u0003\u0004"u8) || head.StartsWith(new byte[] { 0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1 }))
        {
            return FileFormat.Xlsx;
        }
        if (head.StartsWith("PAR1"u8))
        {
            return FileFormat.Parquet;
        }
        if (probe.BomLength == 2)
        {
            return FileFormat.Csv; // UTF-16 text: only the delimited-text reader decodes it
        }
        var text = head[probe.BomLength..];
        if (text.Length > 0 && text.Slice(0, Math.Min(text.Length, 8192)).Contains((byte)0))
        {
            return null;
        }
        var trimmed = text.TrimStart(" \t\r\n"u8);
        if (trimmed.IsEmpty)
        {
            return FileFormat.Csv; // empty or blank: the text reader reports it
        }
        return trimmed[0] switch
        {
            (byte)'[' => FileFormat.Json,
            (byte)'{' => LooksLikeJsonLines(trimmed) ? FileFormat.Ndjson : FileFormat.Json,
            _ => text.Count((byte)'\t') > text.Count((byte)',') ? FileFormat.Tsv : FileFormat.Csv,
        };
    }

    /// <summary>True when the first JSON value ends and another value follows it.</summary>
    private static bool LooksLikeJsonLines(ReadOnlySpan<byte> text)
    {
        var reader = new Utf8JsonReader(text, isFinalBlock: false, new JsonReaderState(new JsonReaderOptions { AllowMultipleValues = true }));
        try
        {
            if (!reader.Read() || !reader.TrySkip())
            {
                return false; // one value larger than the head: a single document
            }
            return reader.Read();
        }
        catch (JsonException)
        {
            // The first line itself is broken: judge by the next line.
            var newline = text.IndexOf((byte)'\n');
            return newline >= 0 && text[(newline + 1)..].TrimStart(" \t\r\n"u8) is [(byte)'{', ..];
        }
    }

    /// <summary>Picks the format to read <paramref name="path"/> with. Throws <see cref="FileReadException"/> when
    /// the bytes are not a readable format, or contradict a name or explicit format that cannot be honoured.</summary>
    public static FileFormat Resolve(string path, FileProbe probe, FileFormat requested, Action<string> warn)
    {
        var content = FromContent(probe);
        var byName = FromExtension(path);
        if (content is null && Compression.IsZstd(probe.Head))
        {
            throw new FileReadException("zstd-compressed: decompress it first (gzip files are read as they are)");
        }
        if (content is null)
        {
            throw new FileReadException($"binary content that is not xlsx, xls or parquet{(byName is { } n ? $" (named as {n.ToString().ToLowerInvariant()})" : "")}");
        }
        var actual = content.Value;
        if (requested != FileFormat.Auto)
        {
            if (Compatible(requested, actual))
            {
                return requested is FileFormat.Json or FileFormat.Ndjson ? OneObjectAsLines(requested, actual, probe) : requested;
            }
            throw new FileReadException($"--format {Name(requested)} was given but the content is {Describe(actual)}");
        }
        if (byName is { } claimed && !Compatible(claimed, actual))
        {
            if (claimed is FileFormat.Xlsx or FileFormat.Parquet or FileFormat.Json)
            {
                throw new FileReadException($"named as {Name(claimed)} but the content is {Describe(actual)}");
            }
            warn($"named as {Name(claimed)} but the content is {Describe(actual)}; read as {Name(actual)}");
        }
        return byName is FileFormat.Csv or FileFormat.Tsv && Compatible(byName.Value, actual) ? byName.Value : OneObjectAsLines(byName, actual, probe);
    }

    /// <summary>A file of one object is a JSON document to the content check (no second value follows) and also JSON
    /// lines with one line; the JSON reader looks for an array of records in it and finds none. When the name or
    /// <c>--format</c> says JSON lines, that one object is the one record (an array stays a JSON document).</summary>
    private static FileFormat OneObjectAsLines(FileFormat? declared, FileFormat actual, FileProbe probe) =>
        declared == FileFormat.Ndjson && actual == FileFormat.Json && probe.Head.AsSpan(probe.BomLength).TrimStart(" \t\r\n"u8) is [(byte)'{', ..]
            ? FileFormat.Ndjson
            : actual;

    private static bool Compatible(FileFormat claimed, FileFormat actual) => (claimed, actual) switch
    {
        _ when claimed == actual => true,
        (FileFormat.Csv or FileFormat.Tsv, FileFormat.Csv or FileFormat.Tsv) => true,
        // A ".json" file that holds one object per line is JSON lines; the content decides which reader.
        (FileFormat.Json or FileFormat.Ndjson, FileFormat.Json or FileFormat.Ndjson) => true,
        _ => false,
    };

    private static string Name(FileFormat format) => format.ToString().ToLowerInvariant();

    private static string Describe(FileFormat format) => format switch
    {
        FileFormat.Xlsx => "an Excel workbook (zip/OLE2 signature)",
        FileFormat.Parquet => "Parquet (PAR1 signature)",
        FileFormat.Json => "a JSON document",
        FileFormat.Ndjson => "JSON lines",
        _ => "delimited text",
    };
}
