using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Emporium.Ingest;

/// <summary>Provenance of a request sent with an Idempotency-Key, written into every message it appends (the
/// <c>_ingest</c> member of canonical JSON, and the dead letters' <c>request_id</c>): <c>request:body:index</c>, where
/// request is a hash of the route and key, body a hash of the body, index the record's position in the request.
/// Because the tag is part of the same durable append as the records, a crash between the append and the moment the
/// idempotency store records the response cannot lose the fact that the request was appended:
/// <see cref="IdempotencyStore"/> finds the tags in the log tail on start, and a retry then appends only the records
/// of that request not already in the log (<see cref="AlreadyDurable"/>), answering as the first attempt would have.</summary>
/// <param name="RequestId">32 hex digits of SHA-256 over the route-scoped Idempotency-Key.</param>
/// <param name="BodyHash">The first 32 hex digits of the body's SHA-256 (a key reused with another body is refused).</param>
/// <param name="AlreadyDurable">Record positions of this request found in the log after a crash; not appended again.</param>
public sealed record IngestTag(string RequestId, string BodyHash, IReadOnlySet<int> AlreadyDurable)
{
    private const int HashChars = 32;

    /// <summary>The tag of a request first seen in this process (nothing of it in the log yet).</summary>
    public static IngestTag For(string scopedKey, string bodySha256Hex) => new(RequestIdOf(scopedKey), BodyHashOf(bodySha256Hex), new HashSet<int>());

    public static string RequestIdOf(string scopedKey) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(scopedKey)))[..HashChars];

    public static string BodyHashOf(string bodySha256Hex) => bodySha256Hex.Length <= HashChars ? bodySha256Hex : bodySha256Hex[..HashChars];

    /// <summary>The member value for record <paramref name="index"/>.</summary>
    public string Of(int index) => string.Create(CultureInfo.InvariantCulture, $"{RequestId}:{BodyHash}:{index}");

    /// <summary>Parses a member value written by <see cref="Of"/>.</summary>
    public static bool TryParse(string? text, out string requestId, out string bodyHash, out int index)
    {
        requestId = bodyHash = "";
        index = -1;
        var parts = text?.Split(':');
        if (parts is not [{ Length: > 0 } r, { Length: > 0 } b, var i]
            || !int.TryParse(i, NumberStyles.None, CultureInfo.InvariantCulture, out index))
        {
            return false;
        }
        (requestId, bodyHash) = (r, b);
        return true;
    }
}
