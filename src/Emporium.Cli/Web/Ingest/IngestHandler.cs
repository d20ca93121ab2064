using System.Buffers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Emporium.Configuration;
using Emporium.Datasets;
using Emporium.Diagnostics;
using Emporium.Ingest;
using Emporium.Log;
using Emporium.Cli.Hosting;

namespace Emporium.Cli.Web.Ingest;

/// <summary>The HTTP side of ingest shared by <c>/api/v1/ingest/{dataset}</c> and the seed routes: content type,
/// body limit, back-pressure, idempotency and the mapping of outcomes to status codes. The record work itself is
/// <see cref="IngestPipeline"/>.</summary>
public sealed class IngestHandler(EmporiumOptions options, Backends backends, IngestPipeline? pipeline, IdempotencyStore idempotency, LagMonitor? lag, IngestStats stats)
{
    internal const int MaxIdempotencyKeyLength = 200;

    /// <summary>Answers one ingest request. <paramref name="process"/> turns the body into a response; it runs at
    /// most once per Idempotency-Key of <paramref name="route"/>: the route as mapped, its dataset by its canonical
    /// name, since paths match in any case and a retry spelled otherwise (<c>/api/v1/ingest/Orders</c>) appended
    /// again what the key had appended.</summary>
    public async Task<IResult> HandleAsync(HttpContext context, string route, Func<ReadOnlyMemory<byte>, IngestPipeline, IngestTag?, CancellationToken, Task<IngestResponse>> process)
    {
        var request = context.Request;
        var ct = context.RequestAborted;
        if (BodyFormats.FromContentType(request.ContentType) is null)
        {
            return ApiErrors.Problem(415, "unsupported content type",
                $"got '{(string.IsNullOrEmpty(request.ContentType) ? "(none)" : request.ContentType)}'; send one of: {string.Join(", ", BodyFormats.Accepted)}",
                [ApiErrors.Field("Content-Type", "unsupported")]);
        }
        var charset = BodyDecoding.CharsetOf(request.ContentType, out var unsupportedCharset);
        if (unsupportedCharset is not null)
        {
            return ApiErrors.Problem(415, "unsupported charset",
                $"charset '{unsupportedCharset}' is not read; send one of: {string.Join(", ", BodyDecoding.Charsets)}",
                [ApiErrors.Field("Content-Type", $"charset '{unsupportedCharset}' unsupported")]);
        }
        var contentEncoding = request.Headers.ContentEncoding.ToString();
        if (!BodyDecoding.Reads(contentEncoding))
        {
            return ApiErrors.Problem(415, "unsupported content encoding",
                $"Content-Encoding '{contentEncoding}' is not read; send one of: {string.Join(", ", BodyDecoding.Encodings)}",
                [ApiErrors.Field("Content-Encoding", "unsupported")]);
        }
        var limit = options.Ingest.MaxBodyBytes;
        if (request.ContentLength > limit)
        {
            return TooLarge(limit, request.ContentLength);
        }
        if (pipeline is null)
        {
            var missing = backends.Unavailable.Keys.Where(k => k is "log" or "normalizer").ToList();
            return ApiErrors.Problem(503, "ingest unavailable", string.Join("; ", missing.Select(m => backends.Unavailable[m])));
        }
        var key = request.Headers["Idempotency-Key"].ToString();
        if (key.Length > MaxIdempotencyKeyLength)
        {
            return ApiErrors.Problem(400, "Idempotency-Key too long", $"at most {MaxIdempotencyKeyLength} characters", [ApiErrors.Field("Idempotency-Key", "too long")]);
        }
        if (await RefuseForLagAsync(ct) is { } refused)
        {
            return refused.ToResult();
        }
        var decoded = BodyDecoding.Decoded(request.Body, contentEncoding);
        var compressed = !ReferenceEquals(decoded, request.Body);
        BoundedBody? body;
        try
        {
            // The limit bounds the body decompressed, so a small compressed bomb is refused once it passes it.
            body = await BoundedBody.ReadAsync(decoded, limit, compressed ? null : request.ContentLength, ct);
        }
        // Brotli says so with an InvalidOperationException, gzip and deflate with an InvalidDataException.
        catch (Exception e) when (compressed && e is InvalidDataException or InvalidOperationException)
        {
            return Unreadable($"body is not valid {contentEncoding} ({e.Message.TrimEnd('.')})").ToResult();
        }
        finally
        {
            if (compressed)
            {
                await decoded.DisposeAsync();
            }
        }
        if (body is null)
        {
            return TooLarge(limit, null, compressed);
        }
        using var owned = body;
        ReadOnlyMemory<byte> text;
        try
        {
            text = BodyDecoding.ToUtf8(body.Memory, charset);
        }
        catch (BodyParseException e)
        {
            return Unreadable(e.Message).ToResult();
        }
        if (string.IsNullOrEmpty(key))
        {
            return (await RunAsync(text, process, null, ct)).ToResult();
        }
        // Over the text as read, so a retry compressed or encoded otherwise is the same body.
        var hash = Convert.ToHexStringLower(SHA256.HashData(text.Span));
        var scopedKey = $"{route}\u001f{key}";
        var (response, outcome) = await idempotency.RunAsync(scopedKey, hash, async (tag, c) =>
        {
            var r = await RunAsync(text, process, tag, c);
            return new IdempotentResponse(r.Status, r.Body, hash, idempotency.NewExpiry());
        }, ct);
        return outcome switch
        {
            IdempotencyOutcome.KeyReused => ApiErrors.Problem(422, "Idempotency-Key reused",
                "this key was already used for a request with a different body", [ApiErrors.Field("Idempotency-Key", "reused with a different body")]),
            _ => new IngestResponse(response.Status, response.Body, response.IsFinal ? null : options.Ingest.RetryAfterSeconds)
                .ToResult(replayed: outcome == IdempotencyOutcome.Replayed),
        };
    }

    /// <summary>The 413 for a body of more records than <c>Ingest:MaxRecordsPerRequest</c>, or null: each one, when
    /// rejected, becomes a dead letter several times its size, so bytes alone do not bound a request.</summary>
    public IngestResponse? RefuseTooMany(int records)
    {
        var max = options.Ingest.MaxRecordsPerRequest;
        if (records <= max)
        {
            return null;
        }
        var detail = $"the body holds {records} records, at most {max} per request (Ingest:MaxRecordsPerRequest): send them in batches";
        return new IngestResponse(413, ApiErrors.ProblemJson(413, "too many records", detail, [ApiErrors.Field("body", $"at most {max} records")]));
    }

    /// <summary>Most errors an answer lists (1 000); the others are counted in <c>errorsOmitted</c>.</summary>
    public const int MaxListedErrors = 1_000;

    /// <summary>Maps an ingest outcome to 202, or 400 when nothing was valid.</summary>
    public static IngestResponse Outcome(IngestResult result)
    {
        // Each error costs the answer about 140 bytes: unlisted, a body of empty objects was answered (and, under an
        // Idempotency-Key, stored) at fifty times its size. The dead letters keep every record's reasons.
        var listed = result.Errors.Count > MaxListedErrors ? result.Errors.Take(MaxListedErrors).ToList() : result.Errors;
        var omitted = result.Errors.Count - listed.Count;
        if (result.Accepted == 0)
        {
            var body = new Dictionary<string, object?>
            {
                ["dataset"] = result.Dataset,
                ["accepted"] = result.Accepted,
                ["rejected"] = result.Rejected,
                ["errors"] = listed,
            };
            if (omitted > 0)
            {
                body["errorsOmitted"] = omitted;
            }
            body["type"] = "https://httpstatuses.io/400";
            body["title"] = "no valid record";
            body["status"] = 400;
            body["detail"] = $"all {result.Rejected} record(s) were rejected; they are kept in the dead letters";
            return new IngestResponse(400, JsonSerializer.Serialize(body, ApiErrors.Json));
        }
        // Written directly: this answers every accepted request, and the serializer's dictionary path costs more than
        // the rest of a one-record request's work outside the log.
        var buffer = new ArrayBufferWriter<byte>(128 + 96 * listed.Count);
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = WireJson.Encoder }))
        {
            writer.WriteStartObject();
            writer.WriteString(DatasetName, result.Dataset);
            writer.WriteNumber(AcceptedName, result.Accepted);
            writer.WriteNumber(RejectedName, result.Rejected);
            writer.WriteStartArray(ErrorsName);
            foreach (var error in listed)
            {
                writer.WriteStartObject();
                writer.WriteNumber(IndexName, error.Index);
                writer.WriteString(FieldName, error.Field);
                writer.WriteString(ErrorName, error.Error);
                writer.WriteEndObject();
            }
            writer.WriteEndArray();
            if (omitted > 0)
            {
                writer.WriteNumber(ErrorsOmittedName, omitted);
            }
            writer.WriteEndObject();
        }
        return new IngestResponse(202, Encoding.UTF8.GetString(buffer.WrittenSpan));
    }

    private static readonly JsonEncodedText DatasetName = JsonEncodedText.Encode("dataset");
    private static readonly JsonEncodedText AcceptedName = JsonEncodedText.Encode("accepted");
    private static readonly JsonEncodedText RejectedName = JsonEncodedText.Encode("rejected");
    private static readonly JsonEncodedText ErrorsName = JsonEncodedText.Encode("errors");
    private static readonly JsonEncodedText ErrorsOmittedName = JsonEncodedText.Encode("errorsOmitted");
    private static readonly JsonEncodedText IndexName = JsonEncodedText.Encode("index");
    private static readonly JsonEncodedText FieldName = JsonEncodedText.Encode("field");
    private static readonly JsonEncodedText ErrorName = JsonEncodedText.Encode("error");

    private async Task<IngestResponse> RunAsync(ReadOnlyMemory<byte> body, Func<ReadOnlyMemory<byte>, IngestPipeline, IngestTag?, CancellationToken, Task<IngestResponse>> process,
        IngestTag? tag, CancellationToken ct)
    {
        try
        {
            return await process(body, pipeline!, tag, ct);
        }
        catch (BodyParseException e)
        {
            return Unreadable(e.Message);
        }
        catch (PartialIngestException e)
        {
            // Not acknowledged either, but the records already in the log are remembered under the request's key, so
            // its retry appends only the others (as after a crash between append and response).
            if (tag is not null)
            {
                await idempotency.RecordDurableAsync(tag, e.DurableRecords, ct);
            }
            return Refused(e.InnerException!);
        }
        catch (Exception e) when (DiskFull.Is(e) || e is LogUnavailableException)
        {
            return Refused(e);
        }
    }

    /// <summary>The 503 for a log that could not take the request: its disk is full, or otherwise unavailable.</summary>
    private IngestResponse Refused(Exception e)
    {
        var (title, detail) = DiskFull.Is(e) ? ("disk full", "the server's disk is full") : ("log unavailable", e.Message);
        stats.RecordRefused();
        return new IngestResponse(503, ApiErrors.ProblemJson(503, title, $"{detail}; nothing from this request was acknowledged, retry later"),
            options.Ingest.RetryAfterSeconds);
    }

    private async Task<IngestResponse?> RefuseForLagAsync(CancellationToken ct)
    {
        if (lag is null || options.Ingest.MaxLag <= 0)
        {
            return null;
        }
        LagSnapshot snapshot;
        try
        {
            snapshot = await lag.GetAsync(ct);
        }
        catch (LogUnavailableException e)
        {
            // The log cannot say how far behind the processor is because it cannot be reached: nor could it take
            // the records. It was a 500 ("Failed to query partition leaders").
            return Refused(e);
        }
        if (snapshot.TotalLag is { } behind && behind > options.Ingest.MaxLag)
        {
            stats.RecordRefused();
            return new IngestResponse(429, ApiErrors.ProblemJson(429, "processor behind",
                $"the processor is {behind} records behind (limit {options.Ingest.MaxLag}); retry after {options.Ingest.RetryAfterSeconds}s"),
                options.Ingest.RetryAfterSeconds);
        }
        return null;
    }

    private static IngestResponse Unreadable(string reason) =>
        new(400, ApiErrors.ProblemJson(400, "unreadable body", reason, [ApiErrors.Field("body", reason)]));

    private static IResult TooLarge(long limit, long? length, bool decompressed = false) => ApiErrors.Problem(413, "body too large",
        $"the body {(length is { } l ? $"({l} bytes) " : "")}{(decompressed ? "once decompressed " : "")}exceeds the limit of {limit} bytes (Ingest:MaxBodyBytes); split it into smaller batches",
        [ApiErrors.Field("body", $"over {limit} bytes")]);
}
