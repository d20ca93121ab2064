namespace Emporium.Lake;

/// <summary>Object storage for the lake zones (local folder or S3). Paths are relative, '/'-separated, and never
/// contain "..". Writes are atomic: a reader sees the whole object or nothing (temp file + rename locally, a single
/// PUT or completed multipart upload on S3). Visibility of a batch of files is decided by manifests, not listing.</summary>
public interface ILakeStore
{
    /// <summary>Short description, e.g. "file:/data/lake" or "s3://bucket/prefix".</summary>
    string Describe { get; }

    Task WriteAsync(string path, Stream content, CancellationToken ct);

    /// <summary>Uploads a local file (multipart on S3 for large files).</summary>
    Task WriteFileAsync(string path, string localFile, CancellationToken ct);

    /// <summary>Opens an object for reading, or null when it does not exist.</summary>
    Task<Stream?> OpenReadAsync(string path, CancellationToken ct);

    IAsyncEnumerable<LakeObject> ListAsync(string prefix, CancellationToken ct);

    Task DeleteAsync(string path, CancellationToken ct);

    Task<bool> ExistsAsync(string path, CancellationToken ct);
}
