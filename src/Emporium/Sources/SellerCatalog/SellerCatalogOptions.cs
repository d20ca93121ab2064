using Emporium.Configuration;

namespace Emporium.Sources.SellerCatalog;

/// <summary>Settings of the seller catalog API (RapidAPI "Real-Time Amazon Data" <c>/search</c> shape, seed 002).
/// Normally from <c>EMPORIUM__SOURCES__SELLERCATALOG__…</c> or the DAG's <c>--param</c>s.</summary>
public sealed record SellerCatalogOptions
{
    /// <summary>Base URL; <c>/search</c> is appended. Default the RapidAPI host.</summary>
    public Uri BaseUrl { get; init; } = new("https://real-time-amazon-data.p.rapidapi.com/");

    /// <summary>API key sent in <see cref="ApiKeyHeader"/>. Default none (the stub and a local proxy need none).</summary>
    public string? ApiKey { get; init; }

    /// <summary>Header carrying the key. Default <c>X-RapidAPI-Key</c>.</summary>
    public string ApiKeyHeader { get; init; } = "X-RapidAPI-Key";

    /// <summary>Free-text query; the seed sent a single space to list everything a seller offers. Default " ".</summary>
    public string Query { get; init; } = " ";

    /// <summary>Marketplace country. Default <c>US</c>.</summary>
    public string Country { get; init; } = "US";

    /// <summary>Seller whose catalog is listed. Required.</summary>
    public string SellerId { get; init; } = "";

    /// <summary>Product condition filter. Default <c>NEW</c>, as the seed.</summary>
    public string ProductCondition { get; init; } = "NEW";

    /// <summary>Stop after this many pages even if they still hold products (the seed's loop never ended). Default 50.</summary>
    [SettingRange("1")]
    public int MaxPages { get; init; } = 50;

    /// <summary>Most requests per second sent to the API (RapidAPI plans are rate limited). Default 5.</summary>
    [SettingRange("0")]
    public double RequestsPerSecond { get; init; } = 5;

    /// <summary>Retries of one page after a 429, a 5xx or a network error. Default 5.</summary>
    public int MaxRetries { get; init; } = 5;

    /// <summary>First backoff delay, doubled on each retry (with jitter) unless the server sends Retry-After. Default 1 s.</summary>
    public TimeSpan RetryDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Longest Retry-After waited for (a 429 or 503 asking for one or two minutes is common). A server asking
    /// for more fails the page at once, naming the wait, and the DAG task's own retries take over. Default 5 min.</summary>
    [SettingRange("00:00:00")]
    public TimeSpan MaxRetryAfter { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Limit of one HTTP attempt. Default 30 s.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(30);
}
