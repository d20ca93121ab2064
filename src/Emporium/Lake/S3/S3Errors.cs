using Amazon.Runtime;
using Amazon.S3;

namespace Emporium.Lake.S3;

/// <summary>One line of why S3 refused or did not answer, shared by the start-up check and every later call.</summary>
internal static class S3Errors
{
    /// <summary>Whether an exception is the store's (client, service or transport) rather than the caller's.</summary>
    public static bool IsStoreFailure(Exception e) => e is AmazonServiceException or AmazonClientException or HttpRequestException;

    public static string Explain(Exception e, string bucket) => e switch
    {
        // The client refuses to exist without a region or an endpoint (no AWS_REGION, no profile).
        AmazonClientException c when c.Message.Contains("No RegionEndpoint or ServiceURL", StringComparison.Ordinal) =>
            "no AWS region: add ?region=REGION to the address or set AWS_REGION (for an S3-compatible store, ?endpoint=http://host:port)",
        AmazonS3Exception { ErrorCode: "NoSuchBucket" } => $"bucket '{bucket}' does not exist",
        AmazonS3Exception { ErrorCode: "InvalidAccessKeyId" or "SignatureDoesNotMatch" or "AccessDenied" } x => $"access refused ({x.ErrorCode})",
        AmazonClientException c when c.Message.Contains("credentials", StringComparison.OrdinalIgnoreCase) =>
            "no AWS credentials found (set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, a profile or an instance role)",
        HttpRequestException h => $"cannot reach the endpoint ({FirstLine(h.Message)})",
        AmazonServiceException { InnerException: HttpRequestException h } => $"cannot reach the endpoint ({FirstLine(h.Message)})",
        // Client messages can span lines (one per provider tried); the first line carries the cause.
        _ => FirstLine(e.Message),
    };

    private static string FirstLine(string message) => message.Split('\n', 2)[0].Trim();
}
