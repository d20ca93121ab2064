using System.Buffers;
using System.Buffers.Binary;
using System.IO.Compression;
using System.IO.Hashing;
using Microsoft.Win32.SafeHandles;

namespace Emporium.Batch.Formats;

/// <summary>Compressed input. A gzip file (known by its magic bytes, whatever its name) is read through a decompressed
/// scratch copy, so every reader, DuckDB's <c>read_csv</c> included, sees plain text with the same sniffing, encoding
/// and quarantine as an uncompressed file; the file's identity and its raw-zone copy stay the bytes as received.</summary>
public static class Compression
{
    private static readonly string[] GzipExtensions = [".gz", ".gzip"];

    public static bool IsGzip(ReadOnlySpan<byte> head) => head is [0x1F, 0x8B, ..];

    public static bool IsZstd(ReadOnlySpan<byte> head) => head is [0x28, 0xB5, 0x2F, 0xFD, ..];

    /// <summary>"orders.csv.gz" → "orders.csv": the name whose extension tells the inner format.</summary>
    public static string InnerName(string fileName)
    {
        foreach (var extension in GzipExtensions)
        {
            if (fileName.EndsWith(extension, StringComparison.OrdinalIgnoreCase) && fileName.Length > extension.Length)
            {
                return fileName[..^extension.Length];
            }
        }
        return fileName;
    }

    /// <summary>Decompresses <paramref name="path"/> into <paramref name="folder"/> under its <see cref="InnerName"/>,
    /// streaming (concatenated gzip members included), and probes the content in the same pass. Throws
    /// <see cref="FileReadException"/> for a corrupt or truncated stream.</summary>
    public static async Task<FileContent> GunzipAsync(string path, string folder, CancellationToken ct)
    {
        Directory.CreateDirectory(folder);
        var target = Path.Combine(folder, InnerName(Path.GetFileName(path)));
        FileProbe probe;
        try
        {
            await using var source = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan | FileOptions.Asynchronous);
            await using var gzip = new GZipStream(source, CompressionMode.Decompress);
            await using var output = new FileStream(target, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, FileOptions.Asynchronous);
            probe = await FileProbe.RunAsync(new CopyingStream(gzip, output), ct, hash: false).ConfigureAwait(false);
        }
        catch (InvalidDataException e)
        {
            throw new FileReadException($"corrupt gzip data: {e.Message}", e);
        }
        await CheckTrailerAsync(path, target, ct).ConfigureAwait(false);
        return new FileContent(target, probe);
    }

    /// <summary>The probe of a gzip file's decompressed content. Throws <see cref="FileReadException"/> for corrupt data.</summary>
    public static async Task<FileProbe> ProbeGzipAsync(string path, CancellationToken ct)
    {
        await using var source = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan | FileOptions.Asynchronous);
        await using var gzip = new GZipStream(source, CompressionMode.Decompress);
        try
        {
            return await FileProbe.RunAsync(gzip, ct, hash: false).ConfigureAwait(false);
        }
        catch (InvalidDataException e)
        {
            throw new FileReadException($"corrupt gzip data: {e.Message}", e);
        }
    }

    /// <summary>.NET's GZipStream ends quietly where a truncated file ends, so a cut-off upload would load as a shorter
    /// file. The last 8 bytes of a whole gzip file are its last member's CRC-32 and length (mod 2^32), and that member's
    /// data is the tail of the output (one member, or several concatenated): a truncated file's last bytes are
    /// compressed data instead, which matches both by chance with odds of one in 2^64.</summary>
    private static async Task CheckTrailerAsync(string path, string output, CancellationToken ct)
    {
        var trailer = new byte[8];
        long outputLength;
        using (var source = File.OpenHandle(path))
        {
            var length = RandomAccess.GetLength(source);
            if (length < 18 || await RandomAccess.ReadAsync(source, trailer, length - 8, ct).ConfigureAwait(false) != 8)
            {
                throw new FileReadException("truncated gzip file: too short for a gzip header and trailer");
            }
        }
        var crc = BinaryPrimitives.ReadUInt32LittleEndian(trailer);
        var size = BinaryPrimitives.ReadUInt32LittleEndian(trailer.AsSpan(4));
        using (var plain = File.OpenHandle(output, options: FileOptions.SequentialScan))
        {
            outputLength = RandomAccess.GetLength(plain);
            // The last member's length is only known mod 2^32: the candidates are the ones that fit in the output.
            for (var memberLength = (long)size; memberLength <= outputLength; memberLength += 1L << 32)
            {
                if (await Crc32OfTailAsync(plain, outputLength - memberLength, ct).ConfigureAwait(false) == crc)
                {
                    return;
                }
            }
        }
        throw new FileReadException($"truncated or corrupt gzip file: its trailer does not match the {outputLength} byte(s) it decompressed to");
    }

    /// <summary>Reads <paramref name="source"/> and writes every byte read to <paramref name="copy"/>.</summary>
    private sealed class CopyingStream(Stream source, Stream copy) : Stream
    {
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            var n = source.Read(buffer);
            copy.Write(buffer[..n]);
            return n;
        }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            var n = await source.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
            await copy.WriteAsync(buffer[..n], cancellationToken).ConfigureAwait(false);
            return n;
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }

    private static async Task<uint> Crc32OfTailAsync(SafeFileHandle file, long from, CancellationToken ct)
    {
        var crc = new Crc32();
        var buffer = ArrayPool<byte>.Shared.Rent(1 << 20);
        try
        {
            int read;
            while ((read = await RandomAccess.ReadAsync(file, buffer, from, ct).ConfigureAwait(false)) > 0)
            {
                crc.Append(buffer.AsSpan(0, read));
                from += read;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
        return crc.GetCurrentHashAsUInt32();
    }
}
