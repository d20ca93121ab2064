using Emporium.Configuration;

namespace Emporium.Lake.S3;

/// <summary>Serves <c>s3://bucket/prefix</c> lake addresses. Query parameters set the rest:
/// <c>?endpoint=http://host:port&amp;region=eu-west-1&amp;path_style=true</c>; without them the endpoint comes from
/// <c>AWS_ENDPOINT_URL_S3</c> (or <c>AWS_ENDPOINT_URL</c>) and region and credentials from the standard AWS chain.
/// The bucket is checked before returning so a missing bucket stops start-up with a message naming the setting.</summary>
public sealed class S3LakeBackendFactory : IBackendFactory<ILakeStore>
{
    /// <summary>Batches are published by one manifest object each, so processes never overwrite each other's.</summary>
    public bool SharedByProcesses => true;

    public IReadOnlyCollection<string> Schemes { get; } = ["s3"];

    public async ValueTask<ILakeStore> CreateAsync(BackendAddress address, EmporiumOptions options, CancellationToken ct)
    {
        var s3 = Parse(address.Value);
        S3LakeStore? store = null;
        try
        {
            store = new S3LakeStore(s3);
            await store.CheckBucketAsync(ct).ConfigureAwait(false);
            return store;
        }
        catch (Exception e) when (S3Errors.IsStoreFailure(e))
        {
            store?.Dispose();
            var reason = S3Errors.Explain(e, s3.Bucket, s3.ServiceUrl);
            throw new BackendConfigurationException(BackendKind.Lake, $"cannot use '{SecretMask.Text(address.Value)}'" +
                (s3.ServiceUrl is { } url ? $" at {SecretMask.Text(url)}" : "") + $": {reason}", e);
        }
    }

    private static readonly string[] Parameters = ["endpoint", "region", "path_style"];

    public static S3LakeStoreOptions Parse(string value)
    {
        if (!Uri.TryCreate(value, UriKind.Absolute, out var uri) || uri.Scheme != "s3" || string.IsNullOrEmpty(uri.Host))
        {
            throw new BackendConfigurationException(BackendKind.Lake, $"'{SecretMask.Text(value)}' is not an s3://bucket/prefix address");
        }
        // Uri lower-cases the host: read the bucket as written, so a name S3 would refuse is not silently replaced by
        // another bucket's.
        var written = value[(value.IndexOf("://", StringComparison.Ordinal) + 3)..];
        var bucket = written[..(written.IndexOfAny(['/', '?', '#']) is var end and >= 0 ? end : written.Length)];
        if (bucket.Contains('@', StringComparison.Ordinal))
        {
            throw new BackendConfigurationException(BackendKind.Lake,
                $"'{SecretMask.Text(value)}': an s3:// address takes no credentials; they come from the AWS chain (AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, a profile, an instance role)");
        }
        if (bucket.Any(char.IsUpper))
        {
            throw new BackendConfigurationException(BackendKind.Lake,
                $"'{SecretMask.Text(value)}': bucket '{bucket}' has upper-case letters; S3 bucket names are lower-case letters, digits, dots and hyphens");
        }
        var query = uri.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Select(p => p.Split('=', 2))
            .ToDictionary(p => Uri.UnescapeDataString(p[0]).ToLowerInvariant(), p => p.Length > 1 ? Uri.UnescapeDataString(p[1]) : "true");
        if (query.Keys.FirstOrDefault(k => !Parameters.Contains(k)) is { } unknown)
        {
            throw new BackendConfigurationException(BackendKind.Lake, $"'{SecretMask.Text(value)}': unknown parameter '{unknown}' (the parameters are endpoint, region and path_style)");
        }
        var endpoint = query.GetValueOrDefault("endpoint") ?? EnvironmentValue("AWS_ENDPOINT_URL_S3") ?? EnvironmentValue("AWS_ENDPOINT_URL");
        return new S3LakeStoreOptions
        {
            Bucket = uri.Host,
            Prefix = Uri.UnescapeDataString(uri.AbsolutePath.Trim('/')),
            ServiceUrl = endpoint,
            Region = query.GetValueOrDefault("region"),
            ForcePathStyle = query.TryGetValue("path_style", out var ps)
                ? bool.TryParse(ps, out var pathStyle) ? pathStyle : throw new BackendConfigurationException(BackendKind.Lake, $"'{SecretMask.Text(value)}': path_style must be true or false, got '{ps}'")
                : null,
        };
    }

    private static string? EnvironmentValue(string name) =>
        Environment.GetEnvironmentVariable(name) is { Length: > 0 } value ? value : null;
}
