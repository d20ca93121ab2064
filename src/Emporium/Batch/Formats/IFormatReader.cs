namespace Emporium.Batch.Formats;

/// <summary>Streams the rows of one file format without holding the file in memory. Row-level problems come back as
/// failed rows (so the loader quarantines them and keeps going); a file that cannot be read at all, or not past
/// some point, throws <see cref="FileReadException"/>.</summary>
public interface IFormatReader
{
    FileFormat Format { get; }

    IAsyncEnumerable<SourceRow> ReadAsync(FormatInput input, CancellationToken ct);
}
