namespace Emporium.Lake;

/// <summary>The lake's store failed an operation for a reason of its own (unreachable, bucket gone, access refused),
/// not because of the data: the message names the lake and the reason, e.g. "lake s3://shop-lake/prod at
/// http://minio:9000: cannot reach the endpoint (Connection refused)". Retried work (the processor's flush, the
/// landing watcher) tries again; the HTTP layer answers 503 with Retry-After. Not an <see cref="IOException"/>: the
/// batch loader takes those for an unreadable input file.</summary>
public sealed class LakeUnavailableException(string message, Exception? inner = null) : Exception(message, inner);
