using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace Emporium.Alerts;

/// <summary>Sends pending alert deliveries from the outbox: one JSON POST per alert and webhook, retried with
/// backoff (Polly). A delivery that keeps failing stays pending for the next dispatch and is marked failed after
/// <see cref="AlertOptions.MaxDispatches"/>. Never throws for a webhook's failure: alerts must not block the DAG
/// that raised them. Each POST carries <c>Idempotency-Key: &lt;alert id&gt;</c> so a receiver can drop the rare
/// repeat after a crash between its 2xx and the outbox update.</summary>
public sealed class AlertDispatcher
{
    /// <summary>What <c>JsonContent</c> wrote before: web defaults (the payload's names are already snake_case).</summary>
    private static readonly JsonSerializerOptions PayloadJson = new(JsonSerializerDefaults.Web);

    private readonly HttpClient _http;
    private readonly AlertStore _store;
    private readonly AlertOptions _options;
    private readonly ILogger _log;
    private readonly ResiliencePipeline<HttpResponseMessage> _pipeline;

    public AlertDispatcher(HttpClient http, AlertStore store, AlertOptions options, TimeProvider? time = null, ILogger? log = null)
    {
        _http = http;
        _store = store;
        _options = options;
        _log = log ?? NullLogger.Instance;
        var builder = new ResiliencePipelineBuilder<HttpResponseMessage> { TimeProvider = time ?? TimeProvider.System };
        // Polly refuses a retry strategy of 0 attempts, and webhook_retries=0 ("post once") is a fair setting.
        if (options.DeliveryRetries > 0)
        {
            builder.AddRetry(new RetryStrategyOptions<HttpResponseMessage>
            {
                ShouldHandle = new PredicateBuilder<HttpResponseMessage>()
                    .Handle<HttpRequestException>()
                    .Handle<TimeoutRejectedException>()
                    .HandleResult(r => !r.IsSuccessStatusCode && !Refused(r)),
                MaxRetryAttempts = options.DeliveryRetries,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = options.DeliveryRetryDelay,
                OnRetry = args =>
                {
                    args.Outcome.Result?.Dispose();
                    return ValueTask.CompletedTask;
                },
            });
        }
        _pipeline = builder.AddTimeout(options.DeliveryTimeout).Build();
    }

    /// <summary>A 4xx other than 408 (timeout) and 429 (slow down) is the receiver refusing the request: the same POST
    /// a moment later gets the same answer, so it is not retried within a dispatch (the next dispatch tries again, in
    /// case the receiver was being redeployed or reconfigured).</summary>
    private static bool Refused(HttpResponseMessage response) =>
        (int)response.StatusCode is >= 400 and < 500 and not 408 and not 429;

    public async Task<DispatchSummary> DispatchAsync(CancellationToken ct)
    {
        var pending = await _store.PendingAsync(ct);
        var outcomes = new List<DeliveryOutcome>();
        // A webhook that failed every retry once in this dispatch is not tried again until the next one, so a dead
        // receiver costs one backoff sequence per dispatch, not one per alert. Its other deliveries still count this
        // dispatch as failed: otherwise only the oldest one advanced towards MaxDispatches, and a dead webhook with N
        // alerts took MaxDispatches × N dispatches (each with its backoff sequence) to be given up.
        var down = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var delivery in pending)
        {
            var attempts = delivery.Attempts + 1;
            var error = down.TryGetValue(delivery.Webhook, out var downError) ? downError : await TrySendAsync(delivery, ct);
            var state = error is null ? AlertStore.Delivered : attempts >= _options.MaxDispatches ? AlertStore.Failed : AlertStore.Pending;
            if (error is not null && down.TryAdd(delivery.Webhook, error))
            {
                _log.LogWarning("alert {Alert} to {Webhook}: {Error} ({State} after {Attempts} dispatches; the webhook's other deliveries wait for the next dispatch)",
                    // The task's log is open to every read-scope key; the URL's path is the webhook's secret.
                    delivery.Alert.Id, Emporium.Configuration.SecretMask.Origin(delivery.Webhook), error, state, attempts);
            }
            outcomes.Add(new DeliveryOutcome(delivery.Alert.Id, delivery.Webhook, state, attempts, error));
        }
        await _store.RecordAsync(outcomes, ct);
        return new DispatchSummary(
            outcomes.Count(o => o.State == AlertStore.Delivered),
            pending.Count - outcomes.Count(o => o.State != AlertStore.Pending),
            outcomes.Count(o => o.State == AlertStore.Failed));
    }

    private async Task<string?> TrySendAsync(PendingDelivery delivery, CancellationToken ct)
    {
        try
        {
            // Bytes, not a JSON stream: a body of unknown length goes chunked, which receivers reading Content-Length
            // only (Python's http.server, some gateways) take for an empty post and answer 200 all the same.
            var payload = JsonSerializer.SerializeToUtf8Bytes(AlertPayload.From(delivery.Alert), PayloadJson);
            using var response = await _pipeline.ExecuteAsync(async token =>
            {
                // A try's request (and its content) is disposed with it: each retry sends a new one.
                var body = new ByteArrayContent(payload);
                body.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
                using var request = new HttpRequestMessage(HttpMethod.Post, delivery.Webhook) { Content = body };
                request.Headers.TryAddWithoutValidation("Idempotency-Key", delivery.Alert.Id);
                return await _http.SendAsync(request, token);
            }, ct);
            return response.IsSuccessStatusCode ? null : $"HTTP {(int)response.StatusCode}";
        }
        catch (Exception ex) when (!ct.IsCancellationRequested && ex is HttpRequestException or TimeoutRejectedException or InvalidOperationException or UriFormatException)
        {
            return ex.Message;
        }
    }
}

/// <summary>Deliveries that succeeded, stay pending, or were given up in one dispatch.</summary>
public sealed record DispatchSummary(int Delivered, int Pending, int Failed);
