using System.Buffers;
using System.Text.Json;

namespace Emporium.Batch.Formats;

/// <summary>A sliding byte window over a JSON stream for <see cref="Utf8JsonReader"/>, which is a ref struct and
/// cannot live across awaits: each step builds a reader from the committed state, and either commits what it
/// consumed or asks for more bytes (the window grows when one value does not fit). Counts line breaks in what it
/// consumed so records get a line number.</summary>
internal sealed class JsonStreamWindow(Stream stream, int maxValueBytes) : IDisposable
{
    private byte[] buffer = ArrayPool<byte>.Shared.Rent(1 << 16);
    private int start;
    private int readerStart;
    private int end;
    private JsonReaderState state = new(new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });

    public bool Eof { get; private set; }

    /// <summary>Line (1-based) of the first byte not yet consumed.</summary>
    public long Line { get; private set; } = 1;

    /// <summary>File offset (0-based) of the first byte not yet consumed.</summary>
    public long Offset { get; private set; }

    public Utf8JsonReader Reader()
    {
        readerStart = start;
        return new(buffer.AsSpan(start, end - start), Eof, state);
    }

    /// <summary>Line of a byte at <paramref name="index"/> relative to the current reader's start.</summary>
    public long LineAt(long index) => Line + buffer.AsSpan(start, (int)(readerStart + index - start)).Count((byte)'\n');

    /// <summary>Marks everything the current reader consumed so far as done; may be called several times per reader.</summary>
    public void Commit(ref Utf8JsonReader reader)
    {
        var upTo = readerStart + (int)reader.BytesConsumed;
        Line += buffer.AsSpan(start, upTo - start).Count((byte)'\n');
        Offset += upTo - start;
        start = upTo;
        state = reader.CurrentState;
    }

    public void SkipBom()
    {
        if (buffer.AsSpan(start, end - start).StartsWith("\uFEFF"u8))
        {
            start += 3;
            Offset += 3;
        }
    }

    /// <summary>File offset of a byte at <paramref name="index"/> relative to the current reader's start.</summary>
    public long OffsetAt(long index) => Offset + readerStart + index - start;

    /// <summary>Whether what is left of the stream, all of it in the window, is the start of a JSON value that the
    /// end of the file cut off, rather than malformed JSON.</summary>
    public bool EndsMidValue()
    {
        var reader = new Utf8JsonReader(buffer.AsSpan(start, end - start), isFinalBlock: false, state);
        try
        {
            while (reader.Read())
            {
            }
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    /// <summary>Reads more bytes; throws when the stream already ended (the document is cut short).</summary>
    public async ValueTask FillAsync(CancellationToken ct)
    {
        if (Eof)
        {
            throw FileReadException.CutShort("the JSON document", Line, Offset);
        }
        if (start > 0)
        {
            Buffer.BlockCopy(buffer, start, buffer, 0, end - start);
            end -= start;
            start = 0;
        }
        if (end == buffer.Length)
        {
            if (buffer.Length >= maxValueBytes)
            {
                throw new FileReadException($"a JSON value near line {Line} is larger than {maxValueBytes / (1024 * 1024)} MiB");
            }
            var bigger = ArrayPool<byte>.Shared.Rent(buffer.Length * 2);
            Buffer.BlockCopy(buffer, 0, bigger, 0, end);
            ArrayPool<byte>.Shared.Return(buffer);
            buffer = bigger;
        }
        var n = await stream.ReadAsync(buffer.AsMemory(end), ct);
        end += n;
        Eof = n == 0;
    }

    public void Dispose() => ArrayPool<byte>.Shared.Return(buffer);
}
