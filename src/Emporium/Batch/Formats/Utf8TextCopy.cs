using System.Buffers;
using System.Text;

namespace Emporium.Batch.Formats;

/// <summary>A UTF-8 copy of delimited text for a reader that only decodes UTF-8 well (DuckDB's <c>read_csv</c>: its
/// <c>latin-1</c> turns Windows-1252's € ’ “ ” – … into C1 controls, and it reads no UTF-16). The text is decoded
/// as <see cref="CsvFormatReader"/> decodes it (<see cref="FileProbe.TextEncoding"/>, <see cref="FormatInput.OpenText"/>),
/// so the copy holds the characters a load reads, without a byte-order mark.</summary>
public static class Utf8TextCopy
{
    /// <summary>Writes the text of <paramref name="content"/> (a gzip file's decompressed copy, or the file itself) to
    /// <paramref name="target"/>, its folder created.</summary>
    public static async Task WriteAsync(FileContent content, string target, CancellationToken ct)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        var input = new FormatInput(content.Path, content.Probe, ReadSettings.Default);
        using var reader = input.OpenText(content.Probe.TextEncoding(out _));
        await using var writer = new StreamWriter(target, false, new UTF8Encoding(false), 1 << 16);
        var buffer = ArrayPool<char>.Shared.Rent(1 << 16);
        try
        {
            int read;
            while ((read = await reader.ReadAsync(buffer.AsMemory(), ct).ConfigureAwait(false)) > 0)
            {
                await writer.WriteAsync(buffer.AsMemory(0, read), ct).ConfigureAwait(false);
            }
        }
        finally
        {
            ArrayPool<char>.Shared.Return(buffer);
        }
    }
}
