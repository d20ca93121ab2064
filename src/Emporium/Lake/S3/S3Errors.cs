using Amazon.Runtime;
using Amazon.S3;

namespace Emporium.Lake.S3;

/// <summary>One line of why S3 refused or did not answer, shared by the start-up check and every later call.</summary>
internal static class S3Errors
{
    /// <summary>Whether an exception is the store's (client, service or transport) rather than the caller's.</summary>
    public static bool IsStoreFailure(Exception e) => e is AmazonServiceException or AmazonClientException or HttpRequestException or NotS3Exception;

    /// <param name="endpoint">The configured endpoint, if any, named when its answers are not S3's.</param>
    public static string Explain(Exception e, string bucket, string? endpoint = null) => e switch
    {
        // The client refuses to exist without a region or an endpoint (no AWS_REGION, no profile).
        AmazonClientException c when c.Message.Contains("No RegionEndpoint or ServiceURL", StringComparison.Ordinal) =>
            "no AWS region: add ?region=REGION to the address or set AWS_REGION (for an S3-compatible store, ?endpoint=http://host:port)",
        AmazonS3Exception { ErrorCode: "NoSuchBucket" } => $"bucket '{bucket}' does not exist",
        AmazonS3Exception { ErrorCode: "InvalidAccessKeyId" or "SignatureDoesNotMatch" or "AccessDenied" } x => $"access refused ({x.ErrorCode})",
        AmazonClientException c when c.Message.Contains("credentials", StringComparison.OrdinalIgnoreCase) =>
            "no AWS credentials found (set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, a profile or an instance role)",
        HttpRequestException h => $"cannot reach the endpoint ({FirstLine(h.Message)})",
        // S3 names every error and every answer carries a request id: an answer with neither came from another server.
        AmazonServiceException x when NotS3(x) => NotS3Answer(x.StatusCode, bucket, endpoint),
        NotS3Exception n => NotS3Answer(n.Status, bucket, endpoint),
        AmazonServiceException { InnerException: HttpRequestException h } => $"cannot reach the endpoint ({FirstLine(h.Message)})",
        // Client messages can span lines (one per provider tried); the first line carries the cause.
        _ => FirstLine(e.Message),
    };

    private static string NotS3Answer(System.Net.HttpStatusCode status, string bucket, string? endpoint) =>
        $"the endpoint answered {(int)status} {Words(status)} but not as S3 does, so bucket '{bucket}' could not be listed; "
        + $"is {(endpoint is null ? "the endpoint" : Configuration.SecretMask.Text(endpoint))} an S3 endpoint (its API port, not a console's)?";

    private static bool NotS3(AmazonServiceException x) =>
        x.StatusCode != 0 && string.IsNullOrEmpty(x.RequestId)
        && (string.IsNullOrEmpty(x.ErrorCode) || x.ErrorCode == x.StatusCode.ToString() || x is AmazonUnmarshallingException);

    /// <summary>"NotFound" as "Not Found".</summary>
    private static string Words(System.Net.HttpStatusCode code) =>
        System.Text.RegularExpressions.Regex.Replace(code.ToString(), "(?<=[a-z])(?=[A-Z])", " ");

    private static string FirstLine(string message) => message.Split('\n', 2)[0].Trim();
}

/// <summary>A successful answer that is not S3's: a listing without the bucket's name, as a web page served for any
/// path gives. The SDK read it as an empty listing, and writes to such a server "succeeded".</summary>
internal sealed class NotS3Exception(System.Net.HttpStatusCode status) : Exception($"the endpoint answered {(int)status} but not as S3 does")
{
    public System.Net.HttpStatusCode Status { get; } = status;
}
