namespace Emporium.Lake;

/// <summary>An object in the lake, addressed by a relative path with '/' separators (e.g. "clean/orders/date=2010-12-01/p0-0-99.parquet").</summary>
public sealed record LakeObject(string Path, long Size, DateTimeOffset LastModified);
