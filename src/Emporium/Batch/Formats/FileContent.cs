namespace Emporium.Batch.Formats;

/// <summary>What the readers of a file read: the file itself, or for a gzip file its decompressed copy (see
/// <see cref="Compression"/>), with the probe of those bytes.</summary>
public sealed record FileContent(string Path, FileProbe Probe)
{
    /// <summary>The readable content of <paramref name="path"/>, whose own probe is <paramref name="probe"/>: the file
    /// as it is, or a gzip file decompressed into <paramref name="scratchFolder"/> (the caller deletes that folder).
    /// Throws <see cref="FileReadException"/> for corrupt or truncated gzip data.</summary>
    public static async Task<FileContent> OfAsync(string path, FileProbe probe, string scratchFolder, CancellationToken ct) =>
        Compression.IsGzip(probe.Head)
            ? await Compression.GunzipAsync(path, scratchFolder, ct).ConfigureAwait(false)
            : new FileContent(path, probe);
}
