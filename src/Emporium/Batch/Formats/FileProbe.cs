using System.Buffers;
using System.Security.Cryptography;
using System.Text;

namespace Emporium.Batch.Formats;

/// <summary>What one streaming pass over a file learns before it is read: its content hash (the load identity),
/// size, the first bytes (format sniffing) and whether the text is valid UTF-8 (so the reader can pick an
/// encoding up front instead of failing half way through).</summary>
/// <param name="Sha256">Hex SHA-256 of the bytes, the file's identity; empty for a probe of decompressed content, which
/// has none of its own (the file as received keeps it).</param>
public sealed record FileProbe(
    string Sha256,
    long Size,
    byte[] Head,
    bool IsValidUtf8,
    long FirstInvalidUtf8Offset,
    int BomLength)
{
    public const int HeadSize = 64 * 1024;

    /// <summary>Whether a 0x00 byte occurs anywhere: a text file holding one (U+0000) must take the path whose
    /// normalizer refuses such values, since PostgreSQL's text cannot hold them.</summary>
    public bool HasNul { get; init; }

    public static async Task<FileProbe> RunAsync(string path, CancellationToken ct)
    {
        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan | FileOptions.Asynchronous);
        return await RunAsync(stream, ct).ConfigureAwait(false);
    }

    /// <summary>Probes what <paramref name="stream"/> yields. A decompressing stream gives the probe of the content,
    /// with no hash (<paramref name="hash"/> false): nothing identifies a file by its decompressed bytes.</summary>
    public static async Task<FileProbe> RunAsync(Stream stream, CancellationToken ct, bool hash = true)
    {
        using var sha = hash ? IncrementalHash.CreateHash(HashAlgorithmName.SHA256) : null;
        var buffer = ArrayPool<byte>.Shared.Rent(1 << 20);
        var head = new MemoryStream();
        // A stateful decoder carries multi-byte sequences split across reads; the exception fallback stops at the
        // first invalid byte so the reader can choose an encoding for the whole file before reading it.
        var decoder = new UTF8Encoding(false, throwOnInvalidBytes: true).GetDecoder();
        var chars = ArrayPool<char>.Shared.Rent((1 << 20) + 8);
        long offset = 0;
        long firstInvalid = -1;
        var hasNul = false;
        try
        {
            int read;
            while ((read = await stream.ReadAsync(buffer.AsMemory(0, buffer.Length), ct)) > 0)
            {
                sha?.AppendData(buffer, 0, read);
                hasNul = hasNul || buffer.AsSpan(0, read).Contains((byte)0);
                if (head.Length < HeadSize)
                {
                    head.Write(buffer, 0, (int)Math.Min(read, HeadSize - head.Length));
                }
                if (firstInvalid < 0)
                {
                    try
                    {
                        decoder.Convert(buffer, 0, read, chars, 0, chars.Length, flush: false, out _, out _, out _);
                    }
                    catch (DecoderFallbackException e)
                    {
                        firstInvalid = offset + Math.Max(0, e.Index);
                    }
                }
                offset += read;
            }
            if (firstInvalid < 0)
            {
                try
                {
                    decoder.Convert(Array.Empty<byte>(), 0, 0, chars, 0, chars.Length, flush: true, out _, out _, out _);
                }
                catch (DecoderFallbackException)
                {
                    firstInvalid = offset; // the file ends inside a multi-byte sequence
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
            ArrayPool<char>.Shared.Return(chars);
        }
        var headBytes = head.ToArray();
        return new FileProbe(sha is null ? "" : Convert.ToHexStringLower(sha.GetHashAndReset()), offset, headBytes, firstInvalid < 0, firstInvalid, BomOf(headBytes)) { HasNul = hasNul };
    }

    private static int BomOf(ReadOnlySpan<byte> head) => head switch
    {
        [0xEF, 0xBB, 0xBF, ..] => 3,
        [0xFF, 0xFE, ..] or [0xFE, 0xFF, ..] => 2,
        _ => 0,
    };

    /// <summary>Windows-1252, the code page of Excel's and Windows tools' "CSV" exports: Latin-1 except that
    /// 0x80-0x9F are printable (€ ‚ „ … ‘ ’ “ ” – — ™ Š Ž œ…) where Latin-1 has invisible C1 controls. The five bytes
    /// it leaves undefined keep their Latin-1 meaning, so every byte is still a character and nothing is lost.</summary>
    public static Encoding Windows1252 { get; } = LoadWindows1252();

    private static Encoding LoadWindows1252()
    {
        // .NET ships the Windows code pages but does not register them.
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        return Encoding.GetEncoding(1252);
    }

    /// <summary>The encoding to read this file's text with. Valid UTF-8 (with or without BOM) stays UTF-8; a UTF-16
    /// BOM is honoured; anything else is read as Windows-1252 (every byte is a character, so nothing is lost or
    /// rejected) and <paramref name="warning"/> says so.</summary>
    public Encoding TextEncoding(out string? warning)
    {
        warning = null;
        if (Head is [0xFF, 0xFE, ..])
        {
            return Encoding.Unicode;
        }
        if (Head is [0xFE, 0xFF, ..])
        {
            return Encoding.BigEndianUnicode;
        }
        if (IsValidUtf8)
        {
            return new UTF8Encoding(false, throwOnInvalidBytes: true);
        }
        warning = $"not valid UTF-8 (first invalid byte at offset {FirstInvalidUtf8Offset}); read as Windows-1252 (Latin-1 with € and curly quotes)";
        return Windows1252;
    }
}
