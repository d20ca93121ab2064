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
    /// <summary>The media types a client is told about (a 415 names them), with their framing. One table, so what is
    /// accepted and what the error lists cannot drift apart.</summary>
    private static readonly (string Media, BodyFormat Format)[] Named =
    [
        ("application/json", BodyFormat.Json),
        ("application/x-ndjson", BodyFormat.NdJson),
        ("application/ndjson", BodyFormat.NdJson),
        ("application/jsonl", BodyFormat.NdJson),
        ("application/x-jsonlines", BodyFormat.NdJson),
        ("application/jsonlines", BodyFormat.NdJson),
    ];

    public static readonly IReadOnlyList<string> Accepted = [.. Named.Select(n => n.Media)];

    /// <summary>The format for a media type (its parameters are not looked at here: the HTTP side reads the charset), or null when unsupported.</summary>
    public static BodyFormat? FromContentType(string? contentType)
    {
        if (string.IsNullOrWhiteSpace(contentType))
        {
            return null;
        }
        var semicolon = contentType.IndexOf(';');
        var media = (semicolon >= 0 ? contentType[..semicolon] : contentType).Trim().ToLowerInvariant();
        foreach (var (name, format) in Named)
        {
            if (media == name)
            {
                return format;
            }
        }
        // Other JSON media types a client may send for one document.
        return media == "text/json" || media.EndsWith("+json", StringComparison.Ordinal) ? BodyFormat.Json : null;
    }
}
