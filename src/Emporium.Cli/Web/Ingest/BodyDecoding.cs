using System.IO.Compression;
using System.Text;
using Emporium.Batch.Formats;
using Emporium.Ingest;

namespace Emporium.Cli.Web.Ingest;

/// <summary>Turns an ingest body as sent (its <c>Content-Encoding</c>, its declared <c>charset</c>) into the UTF-8 the
/// parser reads. A Latin-1 body used to be read as UTF-8, mangling or refusing every accented title; a gzip body was
/// parsed as its compressed bytes.</summary>
public static class BodyDecoding
{
    /// <summary>The content codings read (named by a 415 for another, and in the OpenAPI document).</summary>
    public static readonly IReadOnlyList<string> Encodings = ["gzip", "x-gzip", "deflate", "br", "identity"];

    /// <summary>The charsets read (named by a 415 for another, and in the OpenAPI document).</summary>
    public static readonly IReadOnlyList<string> Charsets =
        ["utf-8", "us-ascii", "windows-1252 (also iso-8859-1, latin1, cp1252)", "utf-16 (also utf-16le, utf-16be)"];

    /// <summary>A declared charset: <see cref="Encoding"/> null stands for UTF-8, read as it is.</summary>
    public sealed record Charset(string Name, Encoding? Encoding);

    /// <summary>The body's charset from <paramref name="contentType"/> (null when it names none), or the name of one
    /// not supported in <paramref name="unsupported"/>.</summary>
    public static Charset? CharsetOf(string? contentType, out string? unsupported)
    {
        unsupported = null;
        if (contentType is null)
        {
            return null;
        }
        foreach (var parameter in contentType.Split(';').Skip(1))
        {
            var eq = parameter.IndexOf('=');
            if (eq < 0 || !parameter[..eq].Trim().Equals("charset", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }
            var name = parameter[(eq + 1)..].Trim().Trim('"').Trim();
            // latin1 is read as Windows-1252, as browsers do: senders that say latin1 mean € and curly quotes at
            // 0x80-0x9F, never the invisible C1 controls ISO-8859-1 has there.
            (bool Known, Encoding? Encoding) read = name.ToLowerInvariant() switch
            {
                "utf-8" or "utf8" or "us-ascii" or "ascii" => (true, null),
                "iso-8859-1" or "iso8859-1" or "iso_8859-1" or "latin1" or "latin-1" or "l1" or "windows-1252" or "cp1252" or "x-cp1252" => (true, FileProbe.Windows1252),
                // RFC 2781: without a byte-order mark, "utf-16" is big-endian (see ToUtf8).
                "utf-16" or "utf-16be" or "utf-16le" => (true, Encoding.BigEndianUnicode),
                _ => (false, null),
            };
            if (!read.Known)
            {
                unsupported = name;
                return null;
            }
            return new Charset(name, read.Encoding);
        }
        return null;
    }

    /// <summary>Whether <paramref name="contentEncoding"/> is a coding read (none and <c>identity</c> are).</summary>
    public static bool Reads(string? contentEncoding) => Decompressor(contentEncoding, out _);

    /// <summary>A stream that decompresses <paramref name="body"/> as <paramref name="contentEncoding"/> says (the body
    /// itself for none or <c>identity</c>); the coding must be one <see cref="Reads"/>.</summary>
    public static Stream Decoded(Stream body, string? contentEncoding) =>
        Decompressor(contentEncoding, out var decompress) ? decompress?.Invoke(body) ?? body
            : throw new ArgumentException($"Content-Encoding '{contentEncoding}' is not read", nameof(contentEncoding));

    private static bool Decompressor(string? contentEncoding, out Func<Stream, Stream>? decompress)
    {
        decompress = contentEncoding?.Trim().ToLowerInvariant() switch
        {
            "gzip" or "x-gzip" => s => new GZipStream(s, CompressionMode.Decompress, leaveOpen: true),
            "deflate" => s => new ZLibStream(s, CompressionMode.Decompress, leaveOpen: true),
            "br" => s => new BrotliStream(s, CompressionMode.Decompress, leaveOpen: true),
            _ => null,
        };
        return decompress is not null || contentEncoding?.Trim().ToLowerInvariant() is null or "" or "identity";
    }

    /// <summary>The body as UTF-8 without a byte-order mark, transcoded from <paramref name="charset"/>. A byte-order
    /// mark outranks the charset (as in browsers): a UTF-8 one is dropped, a UTF-16 one says the byte order, also with
    /// no charset declared. Throws <see cref="BodyParseException"/> for bytes that are not UTF-16 when that is the
    /// charset (Windows-1252 gives every byte a character; UTF-8 is checked by the parser, which says where).</summary>
    public static ReadOnlyMemory<byte> ToUtf8(ReadOnlyMemory<byte> body, Charset? charset)
    {
        bool? bigEndian = body.Span switch
        {
            [0xEF, 0xBB, 0xBF, ..] => null,
            [0xFF, 0xFE, ..] => false,
            [0xFE, 0xFF, ..] => true,
            _ => charset?.Encoding is UnicodeEncoding ? !charset.Name.Equals("utf-16le", StringComparison.OrdinalIgnoreCase) : null,
        };
        if (body.Span is [0xEF, 0xBB, 0xBF, ..])
        {
            return body[3..];
        }
        if (bigEndian is { } big)
        {
            var text = body.Span is [0xFF, 0xFE, ..] or [0xFE, 0xFF, ..] ? body[2..] : body;
            try
            {
                return Encoding.UTF8.GetBytes(new UnicodeEncoding(big, byteOrderMark: false, throwOnInvalidBytes: true).GetString(text.Span));
            }
            catch (DecoderFallbackException e)
            {
                var odd = text.Length % 2 == 1 ? $"; it has an odd number of bytes ({text.Length})" : "";
                throw new BodyParseException($"body is not valid UTF-16 ({(big ? "big" : "little")}-endian): invalid sequence near byte {Math.Max(e.Index, 0)}{odd}");
            }
        }
        return charset?.Encoding is { } single ? Encoding.UTF8.GetBytes(single.GetString(body.Span)) : body;
    }
}
