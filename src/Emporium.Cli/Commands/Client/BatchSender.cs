using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Polly;
using Polly.Retry;

namespace Emporium.Cli.Commands.Client;

/// <summary>Posts NDJSON batches to <c>/api/v1/ingest/{dataset}</c> with an Idempotency-Key per batch and retries
/// (Polly: exponential backoff with jitter, honoring Retry-After) on connection errors, 429 and 5xx. Because the key
/// is derived from the file's content and the batch's position, re-running a send never duplicates a batch.</summary>
public sealed class BatchSender(HttpClient http, string dataset, string keyPrefix, int maxAttempts = 8)
{
    private readonly ResiliencePipeline<HttpResponseMessage> _retry = new ResiliencePipelineBuilder<HttpResponseMessage>()
        .AddRetry(new RetryStrategyOptions<HttpResponseMessage>
        {
            ShouldHandle = new PredicateBuilder<HttpResponseMessage>()
                .Handle<HttpRequestException>()
                .HandleResult(r => r.StatusCode == HttpStatusCode.TooManyRequests || (int)r.StatusCode >= 500),
            MaxRetryAttempts = Math.Max(0, maxAttempts - 1),
            BackoffType = DelayBackoffType.Exponential,
            UseJitter = true,
            Delay = TimeSpan.FromMilliseconds(200),
            MaxDelay = TimeSpan.FromSeconds(10),
            DelayGenerator = args => ValueTask.FromResult(args.Outcome.Result?.Headers.RetryAfter?.Delta is { } d ? d : (TimeSpan?)null),
            OnRetry = args =>
            {
                args.Outcome.Result?.Dispose();
                return ValueTask.CompletedTask;
            },
        })
        .Build();

    /// <summary>Sends one batch (records as UTF-8 JSON objects) and returns the server's counts.</summary>
    public async Task<BatchOutcome> SendAsync(int batchIndex, IReadOnlyList<byte[]> records, CancellationToken ct)
    {
        var body = new byte[records.Sum(r => r.Length + 1)];
        var at = 0;
        foreach (var record in records)
        {
            record.CopyTo(body, at);
            at += record.Length;
            body[at++] = (byte)'\n';
        }
        using var response = await _retry.ExecuteAsync(async token =>
        {
            var request = new HttpRequestMessage(HttpMethod.Post, $"api/v1/ingest/{Uri.EscapeDataString(dataset)}")
            {
                Content = new ByteArrayContent(body) { Headers = { ContentType = new MediaTypeHeaderValue("application/x-ndjson") } },
            };
            request.Headers.Add("Idempotency-Key", $"{keyPrefix}-{batchIndex}");
            return await http.SendAsync(request, token);
        }, ct);
        var text = await response.Content.ReadAsStringAsync(ct);
        if (response.StatusCode is HttpStatusCode.Accepted or HttpStatusCode.BadRequest && TryCounts(text, out var outcome))
        {
            return outcome with { Replayed = response.Headers.TryGetValues("Idempotent-Replayed", out var replayed) && replayed.Contains("true") };
        }
        throw new ApiException((int)response.StatusCode, $"batch {batchIndex}: {(int)response.StatusCode} {EmporiumClient.Describe(text, response)}");
    }

    private static bool TryCounts(string body, out BatchOutcome outcome)
    {
        outcome = new BatchOutcome(0, 0, []);
        try
        {
            var json = JsonDocument.Parse(body).RootElement;
            if (!json.TryGetProperty("accepted", out var accepted) || !json.TryGetProperty("rejected", out var rejected))
            {
                return false;
            }
            var errors = json.TryGetProperty("errors", out var e)
                ? e.EnumerateArray().Select(x => (x.GetProperty("index").GetInt32(), x.GetProperty("field").GetString() ?? "", x.GetProperty("error").GetString() ?? "")).ToList()
                : [];
            outcome = new BatchOutcome(accepted.GetInt32(), rejected.GetInt32(), errors);
            return true;
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or KeyNotFoundException)
        {
            return false;
        }
    }
}

/// <summary>Counts of one batch; errors are (index in batch, field, reason). <paramref name="Replayed"/>: the server had
/// taken this batch's idempotency key before and answered with its first response, appending nothing.</summary>
public sealed record BatchOutcome(int Accepted, int Rejected, IReadOnlyList<(int Index, string Field, string Error)> Errors, bool Replayed = false);
