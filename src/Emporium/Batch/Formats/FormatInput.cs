using System.Text;

namespace Emporium.Batch.Formats;

/// <summary>What a format reader gets: the file, what the probe learnt about it, the settings, a sink for warnings
/// (encoding fallbacks, dialect guesses) and a byte counter the progress display reads.</summary>
public sealed class FormatInput(string path, FileProbe probe, ReadSettings settings)
{
    private long bytesRead;
    private readonly List<string> warnings = [];

    public string Path { get; } = path;

    public FileProbe Probe { get; } = probe;

    public ReadSettings Settings { get; } = settings;

    public IReadOnlyList<string> Warnings => warnings;

    /// <summary>The header's column names, once a reader of a tabular format has read them (null for JSON): a file
    /// with a header and no rows is still checked against its dataset by them.</summary>
    public IReadOnlyList<string>? Columns { get; set; }

    /// <summary>The header's columns without a name (<see cref="HeaderIndex.Unnamed"/>), set with <see cref="Columns"/>.</summary>
    internal IReadOnlyList<UnnamedColumn> UnnamedColumns { get; set; } = [];

    /// <summary>Bytes of the file consumed so far (approximate for parquet).</summary>
    public long BytesRead => Interlocked.Read(ref bytesRead);

    public void Warn(string message)
    {
        lock (warnings)
        {
            warnings.Add(message);
        }
    }

    public void ReportBytes(long absolute) => Interlocked.Exchange(ref bytesRead, absolute);

    /// <summary>Opens the file for a sequential read whose position feeds <see cref="BytesRead"/>.</summary>
    public Stream OpenRead() =>
        new CountingStream(new FileStream(Path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan), this);

    /// <summary>Opens the file's text in <paramref name="encoding"/> (<see cref="FileProbe.TextEncoding"/>), its
    /// byte-order mark skipped.</summary>
    public StreamReader OpenText(Encoding encoding)
    {
        var stream = OpenRead();
        // Text that is not UTF-8 behind a UTF-8 BOM (some exporters write one before Windows-1252 bytes): honouring the
        // BOM would decode as UTF-8 and turn each such byte into U+FFFD, so the BOM is skipped and Windows-1252 kept.
        var legacy = ReferenceEquals(encoding, FileProbe.Windows1252);
        if (legacy)
        {
            stream.Position = Probe.BomLength;
        }
        return new StreamReader(stream, encoding, detectEncodingFromByteOrderMarks: !legacy, bufferSize: 1 << 16);
    }

    private sealed class CountingStream(Stream inner, FormatInput owner) : Stream
    {
        public override bool CanRead => true;
        public override bool CanSeek => inner.CanSeek;
        public override bool CanWrite => false;
        public override long Length => inner.Length;

        public override long Position
        {
            get => inner.Position;
            set => inner.Position = value;
        }

        public override int Read(byte[] buffer, int offset, int count)
        {
            var n = inner.Read(buffer, offset, count);
            owner.ReportBytes(inner.Position);
            return n;
        }

        public override int Read(Span<byte> buffer)
        {
            var n = inner.Read(buffer);
            owner.ReportBytes(inner.Position);
            return n;
        }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            var n = await inner.ReadAsync(buffer, cancellationToken);
            owner.ReportBytes(inner.Position);
            return n;
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override long Seek(long offset, SeekOrigin origin) => inner.Seek(offset, origin);
        public override void Flush() { }
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                inner.Dispose();
            }
            base.Dispose(disposing);
        }
    }
}
