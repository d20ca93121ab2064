using Emporium.Batch.Formats;

namespace Emporium.Batch.Loading;

/// <summary>What the readers of one load read: the file itself, or its decompressed copy (see
/// <see cref="Compression"/>), with the probe of those bytes.</summary>
internal sealed record FileContent(string Path, FileProbe Probe)
{
    public static async Task<FileContent> GunzipAsync(string path, string folder, CancellationToken ct)
    {
        var plain = await Compression.GunzipAsync(path, folder, ct).ConfigureAwait(false);
        return new FileContent(plain, await FileProbe.RunAsync(plain, ct).ConfigureAwait(false));
    }
}
