using System.Buffers;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;

namespace Emporium.Batch.Formats;

/// <summary>JSON lines: one object per line (blank lines skipped, leading spaces and CRLF allowed). A line that does
/// not parse, is not an object, or is not valid UTF-8 becomes a failed row with its line number; the other lines
/// still load. A last line without a line end whose JSON goes on past the end of the file is where the file was cut:
/// the file fails there (<see cref="FileReadException.CutShort"/>).</summary>
public sealed class NdjsonFormatReader : IFormatReader
{
    /// <summary>A line longer than this is rejected rather than buffered without bound.</summary>
    public const int MaxLineBytes = 16 * 1024 * 1024;

    public FileFormat Format => FileFormat.Ndjson;

    public async IAsyncEnumerable<SourceRow> ReadAsync(FormatInput input, [EnumeratorCancellation] CancellationToken ct)
    {
        if (input.Probe.Size - input.Probe.BomLength == 0)
        {
            throw new FileReadException("the file is empty");
        }
        await using var stream = input.OpenRead();
        var buffer = ArrayPool<byte>.Shared.Rent(1 << 16);
        try
        {
            int start = 0, end = 0;
            long line = 0, record = 0;
            long bufferOffset = 0; // the file offset of buffer[0]
            var eof = false;
            var skipBom = input.Probe.BomLength == 3;
            while (true)
            {
                var newline = Array.IndexOf(buffer, (byte)'\n', start, end - start);
                if (newline < 0 && !eof)
                {
                    // Need more bytes: compact, grow when a single line fills the buffer, read.
                    if (start > 0)
                    {
                        Buffer.BlockCopy(buffer, start, buffer, 0, end - start);
                        end -= start;
                        bufferOffset += start;
                        start = 0;
                    }
                    if (end == buffer.Length)
                    {
                        if (buffer.Length >= MaxLineBytes)
                        {
                            throw new FileReadException($"line {line + 1} is longer than {MaxLineBytes / (1024 * 1024)} MiB");
                        }
                        var bigger = ArrayPool<byte>.Shared.Rent(buffer.Length * 2);
                        Buffer.BlockCopy(buffer, 0, bigger, 0, end);
                        ArrayPool<byte>.Shared.Return(buffer);
                        buffer = bigger;
                    }
                    var n = await stream.ReadAsync(buffer.AsMemory(end, buffer.Length - end), ct);
                    if (n == 0)
                    {
                        eof = true;
                    }
                    end += n;
                    continue;
                }
                var lineEnd = newline < 0 ? end : newline;
                if (lineEnd == start && eof && newline < 0)
                {
                    break;
                }
                line++;
                var lineOffset = bufferOffset + start;
                var bytes = buffer.AsMemory(start, lineEnd - start);
                start = newline < 0 ? end : newline + 1;
                if (skipBom)
                {
                    skipBom = false;
                    if (StartsWithBom(bytes))
                    {
                        bytes = bytes[3..];
                    }
                }
                if (IsBlank(bytes))
                {
                    continue;
                }
                record++;
                var position = new RowPosition(record, line);
                JsonDocument? doc = null;
                string? error = null;
                try
                {
                    // System.Text.Json checks UTF-8 inside strings only when they are read, so a file the probe
                    // found invalid is checked line by line here; a bad line is quarantined, not the file.
                    if (!input.Probe.IsValidUtf8 && InvalidUtf8At(bytes) is var bad and >= 0)
                    {
                        throw new JsonException($"not valid UTF-8 (byte {bad + 1} of the line)");
                    }
                    doc = JsonDocument.Parse(bytes);
                    if (doc.RootElement.ValueKind != JsonValueKind.Object)
                    {
                        error = $"line is a JSON {doc.RootElement.ValueKind.ToString().ToLowerInvariant()}, not an object";
                    }
                }
                catch (JsonException e)
                {
                    error = $"invalid JSON at byte {(e.BytePositionInLine ?? 0) + 1}: {Diagnostics.JsonErrorText.FirstSentence(e.Message)}";
                }
                if (doc is null && newline < 0 && EndsMidValue(bytes.Span))
                {
                    throw FileReadException.CutShort($"the JSON object of record {record}", line, lineOffset);
                }
                if (error is not null)
                {
                    doc?.Dispose();
                    yield return SourceRow.Failed(position, error, null, Latin1OrUtf8(bytes.Span.TrimEnd((byte)'\r')));
                    continue;
                }
                using (doc)
                {
                    yield return SourceRow.FromJson(position, doc!.RootElement);
                }
                if (newline < 0 && eof)
                {
                    break;
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Whether the bytes are the start of a JSON value that goes on past them (a line torn off by the end of
    /// the file), rather than malformed JSON, which a line of its own may be.</summary>
    internal static bool EndsMidValue(ReadOnlySpan<byte> bytes)
    {
        var reader = new Utf8JsonReader(bytes, isFinalBlock: false, default);
        try
        {
            while (reader.Read())
            {
                if (reader.CurrentDepth == 0 && reader.TokenType is not (JsonTokenType.StartObject or JsonTokenType.StartArray))
                {
                    return false; // the root value ended: whatever is wrong is in the line itself
                }
            }
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static bool StartsWithBom(ReadOnlyMemory<byte> bytes) => bytes.Span.StartsWith("\uFEFF"u8);

    private static int InvalidUtf8At(ReadOnlyMemory<byte> bytes)
    {
        var status = System.Text.Unicode.Utf8.ToUtf16(bytes.Span, new char[bytes.Length], out var read, out _, replaceInvalidSequences: false);
        return status == System.Buffers.OperationStatus.InvalidData ? read : -1;
    }

    private static bool IsBlank(ReadOnlyMemory<byte> bytes) => bytes.Span.Trim(" \t\r"u8).IsEmpty;

    /// <summary>The raw text of a rejected line for the quarantine: UTF-8 when it is, else byte-for-byte Latin-1.</summary>
    internal static string Latin1OrUtf8(ReadOnlySpan<byte> bytes)
    {
        const int max = 64 * 1024;
        var cut = bytes.Length > max ? bytes[..max] : bytes;
        return System.Text.Unicode.Utf8.IsValid(cut) ? Encoding.UTF8.GetString(cut) : Encoding.Latin1.GetString(cut);
    }
}
