namespace Emporium.Lake.S3;

/// <summary>Settings of the S3 (or S3-compatible) lake.</summary>
public sealed record S3LakeStoreOptions
{
    public required string Bucket { get; init; }

    /// <summary>Key prefix under which the lake lives, without leading or trailing '/'. Default: the bucket root.</summary>
    public string Prefix { get; init; } = "";

    /// <summary>Endpoint of an S3-compatible store (MinIO, moto…). Null uses AWS (or <c>AWS_ENDPOINT_URL_S3</c>).</summary>
    public string? ServiceUrl { get; init; }

    /// <summary>Region; null uses the standard chain (<c>AWS_REGION</c>, profile). Without any region, AWS itself
    /// (no <see cref="ServiceUrl"/>) cannot be used: start-up says so.</summary>
    public string? Region { get; init; }

    /// <summary>Path-style addressing (bucket in the path), which most S3-compatible stores need. Default: on when
    /// an endpoint is given.</summary>
    public bool? ForcePathStyle { get; init; }

    /// <summary>Static credentials; when null the standard AWS chain (environment, profile, instance role) is used.</summary>
    public string? AccessKey { get; init; }

    public string? SecretKey { get; init; }

    /// <summary>Objects at least this large are uploaded in parts. Default 16 MiB (S3 needs parts of ≥ 5 MiB).</summary>
    public long MultipartThreshold { get; init; } = 16L << 20;
}
