using System.Net;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Emporium.Datasets;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace Emporium.Sources.SellerCatalog;

/// <summary>Pages through a seller's catalog: <c>GET /search?query&amp;country&amp;seller_id&amp;product_condition&amp;page</c>
/// from page 1 until a page lists no products (or <see cref="SellerCatalogOptions.MaxPages"/>). Each attempt is paced
/// by the rate limit; 429 and 5xx answers and network errors are retried with exponential backoff, honouring
/// <c>Retry-After</c> when the server sends one, up to <see cref="SellerCatalogOptions.MaxRetryAfter"/>: a longer wait
/// fails the page at once, naming the wait, rather than holding the DAG's worker (its task retries come later).</summary>
public sealed class SellerCatalogClient
{
    private readonly HttpClient _http;
    private readonly SellerCatalogOptions _options;
    private readonly RequestPacer _pacer;
    private readonly ResiliencePipeline<HttpResponseMessage> _pipeline;
    private readonly ILogger _log;
    private readonly TimeProvider _time;

    public SellerCatalogClient(HttpClient http, SellerCatalogOptions options, TimeProvider? time = null, ILogger? log = null)
    {
        if (string.IsNullOrWhiteSpace(options.SellerId))
        {
            throw new ArgumentException("seller catalog: SellerId is required", nameof(options));
        }
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxPages, 1);
        _http = http;
        _options = options;
        _log = log ?? NullLogger.Instance;
        time ??= TimeProvider.System;
        _time = time;
        _pacer = new RequestPacer(options.RequestsPerSecond, time);
        _pipeline = new ResiliencePipelineBuilder<HttpResponseMessage> { TimeProvider = time }
            .AddRetry(new RetryStrategyOptions<HttpResponseMessage>
            {
                ShouldHandle = new PredicateBuilder<HttpResponseMessage>()
                    .Handle<HttpRequestException>()
                    .Handle<TimeoutRejectedException>()
                    // A server asking for a longer wait than the cap is not retried here: the response comes back
                    // to FetchPageAsync, which fails the try naming the wait, and the DAG task's retry takes over.
                    .HandleResult(r => (r.StatusCode == HttpStatusCode.TooManyRequests || (int)r.StatusCode >= 500) && !(RetryAfter(r) > _options.MaxRetryAfter)),
                MaxRetryAttempts = options.MaxRetries,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = options.RetryDelay,
                // Null (no Retry-After) leaves Polly's exponential backoff in place; a date already passed waits nothing.
                DelayGenerator = args => ValueTask.FromResult(RetryAfter(args.Outcome.Result) is { } wait && wait < TimeSpan.Zero ? TimeSpan.Zero : RetryAfter(args.Outcome.Result)),
                OnRetry = args =>
                {
                    _log.LogWarning("seller catalog: attempt {Attempt} failed ({Reason}); retrying in {Delay}",
                        args.AttemptNumber + 1,
                        args.Outcome.Result is { } r ? $"HTTP {(int)r.StatusCode}" : args.Outcome.Exception?.Message,
                        args.RetryDelay);
                    args.Outcome.Result?.Dispose();
                    return ValueTask.CompletedTask;
                },
            })
            .AddTimeout(options.RequestTimeout)
            .Build();
    }

    /// <summary>Pages in order, ending after the first page without products (not yielded).</summary>
    public async IAsyncEnumerable<SellerCatalogPage> FetchPagesAsync([EnumeratorCancellation] CancellationToken ct)
    {
        for (var page = 1; page <= _options.MaxPages; page++)
        {
            var body = await FetchPageAsync(page, ct);
            var count = CountProducts(body, page);
            if (count == 0)
            {
                yield break;
            }
            yield return new SellerCatalogPage(page, body, count);
        }
        _log.LogWarning("seller catalog: stopped at the page limit ({MaxPages}) while pages still held products", _options.MaxPages);
    }

    public Uri PageUri(int page)
    {
        var query = $"search?query={Uri.EscapeDataString(_options.Query)}&country={Uri.EscapeDataString(_options.Country)}"
            + $"&seller_id={Uri.EscapeDataString(_options.SellerId)}&product_condition={Uri.EscapeDataString(_options.ProductCondition)}&page={page}";
        // "/search is appended" to the base: without a trailing slash, URI resolution would replace its last segment
        // (https://host/v1/amazon + search → https://host/v1/search).
        var baseUrl = _options.BaseUrl.AbsolutePath.EndsWith('/') ? _options.BaseUrl : new UriBuilder(_options.BaseUrl) { Path = _options.BaseUrl.AbsolutePath + "/" }.Uri;
        return new Uri(baseUrl, query);
    }

    private async Task<byte[]> FetchPageAsync(int page, CancellationToken ct)
    {
        HttpResponseMessage response;
        try
        {
            response = await _pipeline.ExecuteAsync(async token =>
            {
                await _pacer.WaitAsync(token);
                using var request = new HttpRequestMessage(HttpMethod.Get, PageUri(page));
                if (!string.IsNullOrEmpty(_options.ApiKey))
                {
                    request.Headers.TryAddWithoutValidation(_options.ApiKeyHeader, _options.ApiKey);
                }
                return await _http.SendAsync(request, HttpCompletionOption.ResponseContentRead, token);
            }, ct);
        }
        catch (Exception ex) when (ex is HttpRequestException or TimeoutRejectedException)
        {
            throw new SellerCatalogException($"seller catalog page {page}: {ex.Message} (after {_options.MaxRetries} retries)", ex);
        }
        using (response)
        {
            if (!response.IsSuccessStatusCode)
            {
                var detail = await response.Content.ReadAsStringAsync(ct);
                var wait = RetryAfter(response) is { } asked && asked > _options.MaxRetryAfter
                    ? $" (Retry-After asks for {Seconds(asked)}, more than the {Seconds(_options.MaxRetryAfter)} max_retry_after; not waited, the task's retry takes over)"
                    : "";
                throw new SellerCatalogException(
                    $"seller catalog page {page}: HTTP {(int)response.StatusCode} {response.ReasonPhrase}{wait}: {Truncate(detail)}");
            }
            return await response.Content.ReadAsByteArrayAsync(ct);
        }
    }

    /// <summary>The wait a response's <c>Retry-After</c> asks for (seconds, or an HTTP date taken against the injected
    /// clock; negative when that date has passed), or null without one.</summary>
    private TimeSpan? RetryAfter(HttpResponseMessage? response)
    {
        var header = response?.Headers.RetryAfter;
        return header?.Delta ?? (header?.Date is { } date ? date - _time.GetUtcNow() : null);
    }

    private static string Seconds(TimeSpan wait) => $"{Math.Ceiling(wait.TotalSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture)} s";

    /// <summary>Products on a page. Only an explicit empty <c>products</c> array ends the catalog: an error status or
    /// a page without a products array is a failed page, not the last one. Taking it for the end would snapshot part of
    /// the catalog, and the alerts would call every product after it out of stock.</summary>
    private static int CountProducts(byte[] body, int page)
    {
        try
        {
            using var doc = JsonDocument.Parse(body);
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new SellerCatalogException($"seller catalog page {page}: expected a JSON object, got {RecordNormalizer.DescribeKind(root.ValueKind)}");
            }
            var status = root.TryGetProperty("status", out var s) ? s.ToString() : null;
            if (status is not null && !string.Equals(status, "OK", StringComparison.OrdinalIgnoreCase))
            {
                throw new SellerCatalogException($"seller catalog page {page}: status {status}: {Truncate(body)}");
            }
            if (!root.TryGetProperty("data", out var data) || data.ValueKind != JsonValueKind.Object)
            {
                throw new SellerCatalogException($"seller catalog page {page}: no 'data' object in the response (status {status ?? "?"})");
            }
            if (!data.TryGetProperty("products", out var products) || products.ValueKind != JsonValueKind.Array)
            {
                var got = data.TryGetProperty("products", out var p) ? RecordNormalizer.DescribeKind(p.ValueKind) : "nothing";
                throw new SellerCatalogException($"seller catalog page {page}: expected a 'data.products' array, got {got}");
            }
            return products.GetArrayLength();
        }
        catch (JsonException ex)
        {
            throw new SellerCatalogException($"seller catalog page {page}: body is not JSON ({ex.Message})", ex);
        }
    }

    private static string Truncate(byte[] body) => Truncate(System.Text.Encoding.UTF8.GetString(body, 0, Math.Min(body.Length, 400)));

    private static string Truncate(string text) => text.Length <= 200 ? text : text[..200] + "…";
}
