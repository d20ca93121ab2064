namespace Emporium.Ingest;

/// <summary>How an ingest body is framed.</summary>
public enum BodyFormat
{
    /// <summary>One JSON object, a JSON array of objects, or several whitespace-separated objects.</summary>
    Json,
    /// <summary>One JSON object per line (NDJSON / JSON Lines); a bad line rejects only that line.</summary>
    NdJson,
}

/// <summary>Maps a Content-Type to a <see cref="BodyFormat"/>.</summary>
public static class BodyFormats
{
    public static readonly IReadOnlyList<string> Accepted =
        ["application/json", "application/x-ndjson", "application/ndjson", "application/jsonl", "application/x-jsonlines"];

    /// <summary>The format for a media type (parameters such as charset ignored), or null when unsupported.</summary>
    public static BodyFormat? FromContentType(string? contentType)
    {
        if (string.IsNullOrWhiteSpace(contentType))
        {
            return null;
        }
        var semicolon = contentType.IndexOf(';');
        var media = (semicolon >= 0 ? contentType[..semicolon] : contentType).Trim().ToLowerInvariant();
        return media switch
        {
            "application/json" or "text/json" => BodyFormat.Json,
            "application/x-ndjson" or "application/ndjson" or "application/jsonl" or "application/x-jsonlines" or "application/jsonlines" => BodyFormat.NdJson,
            _ when media.EndsWith("+json", StringComparison.Ordinal) => BodyFormat.Json,
            _ => null,
        };
    }
}
