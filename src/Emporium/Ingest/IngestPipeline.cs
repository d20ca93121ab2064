using System.Buffers;
using System.Text;
using System.Text.Json;
using Emporium.Datasets;
using Emporium.Log;

namespace Emporium.Ingest;

/// <summary>Normalizes the records of one request, appends the valid ones to the dataset's topic (keyed by the
/// natural key, so one key always lands in one partition) and the invalid ones, as dead letters, to the
/// <c>dead_letters</c> topic. Both appends run together and the call returns only when both are durable, which is
/// what allows the 202; the stream processor then lands both in the warehouse exactly once.</summary>
public sealed class IngestPipeline(IEventLog log, IRecordNormalizer normalizer, IngestStats stats, TimeProvider time)
{
    /// <summary>Below this many records a request is normalized on the calling thread; above, on all cores.</summary>
    private const int ParallelThreshold = 256;

    public Task<IngestResult> IngestAsync(DatasetSchema schema, IReadOnlyList<InputRecord> records, string source, CancellationToken ct) =>
        IngestAsync(schema, records, source, null, ct);

    /// <summary>Ingests one request. With a <paramref name="tag"/> (an Idempotency-Key), every appended message carries
    /// it, and the records listed in <see cref="IngestTag.AlreadyDurable"/> are counted but not appended again.</summary>
    public async Task<IngestResult> IngestAsync(DatasetSchema schema, IReadOnlyList<InputRecord> records, string source, IngestTag? tag, CancellationToken ct)
    {
        var results = new NormalizeResult?[records.Count];
        var unreadable = new string?[records.Count];
        if (records.Count >= ParallelThreshold)
        {
            Parallel.For(0, records.Count, new ParallelOptions { CancellationToken = ct },
                i => results[i] = IngestBodyParser.Normalize(records[i], schema, normalizer, out unreadable[i]));
        }
        else
        {
            for (var i = 0; i < records.Count; i++)
            {
                results[i] = IngestBodyParser.Normalize(records[i], schema, normalizer, out unreadable[i]);
            }
        }

        var accepted = new MessageBuffer(records.Count);
        MessageBuffer? rejected = null;
        var errors = new List<IngestError>();
        var letters = 0;
        string? requestId = tag?.RequestId;
        var now = time.GetUtcNow();
        for (var i = 0; i < records.Count; i++)
        {
            var input = records[i];
            var skip = tag is not null && tag.AlreadyDurable.Contains(input.Index);
            IReadOnlyList<FieldError>? problems = null;
            if (results[i] is { Record: { } record })
            {
                if (!skip && accepted.Add(record, record.Key, tag?.Of(input.Index), input.Index, log.MaxRecordBytes) is { } tooLong)
                {
                    // Valid by the rules but more than the log takes: refused like an invalid record, not the request.
                    problems = [new FieldError("$",
                        $"the record takes {tooLong} bytes in the log, more than the {log.MaxRecordBytes} it takes per record ({log.Describe}); shorten its longest text")];
                }
                else
                {
                    accepted.Counted++;
                    continue;
                }
            }
            // "$" names the whole record, as the normalizer's own whole-record errors do.
            problems ??= unreadable[i] is { } why
                ? [new FieldError("$", why)]
                : results[i]!.Errors.Count > 0 ? results[i]!.Errors : [new FieldError("$", "rejected by the normalizer")];
            foreach (var p in problems)
            {
                errors.Add(new IngestError(input.Index, p.Field, p.Error));
            }
            letters++;
            if (!skip)
            {
                requestId ??= Guid.NewGuid().ToString("N");
                (rejected ??= new MessageBuffer(0)).Add(new DeadLetter(requestId, schema.Name, input.Index, source, now, problems, input.RawText).ToRecord(), null, tag?.Of(input.Index), input.Index);
            }
        }
        var appended = accepted.AppendAsync(log, schema.Name, ct);
        var lettered = rejected?.AppendAsync(log, DatasetCatalog.DeadLetters.Name, ct) ?? Task.CompletedTask;
        try
        {
            await Task.WhenAll(appended, lettered).ConfigureAwait(false);
        }
        catch (Exception e) when (!ct.IsCancellationRequested)
        {
            List<int> durable = [.. accepted.DurableRecords(appended), .. rejected?.DurableRecords(lettered) ?? []];
            if (durable.Count == 0)
            {
                throw;
            }
            // Part of the request is in the log: name those records, so a retry under its Idempotency-Key skips them.
            var failure = (appended.Exception ?? lettered.Exception)?.InnerException ?? e;
            throw new PartialIngestException(durable, failure is PartialAppendException p ? p.InnerException! : failure);
        }
        var outcome = new IngestResult(schema.Name, accepted.Counted, letters, errors);
        stats.Record(outcome);
        return outcome;
    }

    /// <summary>Rejects a record the caller already found invalid (e.g. a route-specific check), keeping it as a dead letter.</summary>
    public Task<IngestResult> RejectAsync(DatasetSchema schema, InputRecord input, FieldError error, string source, IngestTag? tag, CancellationToken ct) =>
        RejectAsync(schema, input, [error], source, tag, ct);

    /// <summary>Rejects a record the caller already found invalid for <paramref name="errors"/> (at least one), keeping
    /// it as one dead letter that names them all.</summary>
    public async Task<IngestResult> RejectAsync(DatasetSchema schema, InputRecord input, IReadOnlyList<FieldError> errors, string source, IngestTag? tag, CancellationToken ct)
    {
        ArgumentOutOfRangeException.ThrowIfZero(errors.Count);
        if (tag is null || !tag.AlreadyDurable.Contains(input.Index))
        {
            var letter = new DeadLetter(tag?.RequestId ?? Guid.NewGuid().ToString("N"), schema.Name, input.Index, source, time.GetUtcNow(), errors, input.RawText);
            var buffer = new MessageBuffer(1);
            buffer.Add(letter.ToRecord(), null, tag?.Of(input.Index), input.Index);
            await buffer.AppendAsync(log, DatasetCatalog.DeadLetters.Name, ct).ConfigureAwait(false);
        }
        var outcome = new IngestResult(schema.Name, 0, 1, [.. errors.Select(e => new IngestError(input.Index, e.Field, e.Error))]);
        stats.Record(outcome);
        return outcome;
    }

    /// <summary>What the normalizer finds wrong with a record (none when it is valid), appending nothing: a route that
    /// refuses a record for a reason of its own still names the record's other problems.</summary>
    public IReadOnlyList<FieldError> Check(DatasetSchema schema, InputRecord input) =>
        IngestBodyParser.Normalize(input, schema, normalizer, out var unreadable) switch
        {
            _ when unreadable is not null => [new FieldError("$", unreadable)],
            { Record: not null } => [],
            { Errors: { Count: > 0 } errors } => errors,
            _ => [new FieldError("$", "rejected by the normalizer")],
        };

    /// <summary>Records serialized into chunks; the log messages are slices of them. Chunks stay below the
    /// large-object threshold (a 1000-record request is ~200 KB of JSON): one large buffer per request made every
    /// batch a large-object allocation, which the GC only reclaims in full (gen 2) collections. They are not pooled,
    /// because a cancelled append may still be copying from them.</summary>
    private sealed class MessageBuffer(int expected)
    {
        private const int MaxChunkBytes = 64 * 1024;

        private readonly ArrayBufferWriter<byte> _scratch = new(512);
        private readonly List<LogMessage> _messages = new(expected);
        private byte[] _chunk = [];
        private int _used;
        private Utf8JsonWriter? _writer;

        /// <summary>Records of the request this buffer stands for, including those not appended again.</summary>
        public int Counted { get; set; }

        private readonly List<int> _records = new(expected);

        /// <summary>The request's record indexes whose messages the finished <paramref name="append"/> made durable.</summary>
        public IEnumerable<int> DurableRecords(Task append) => append switch
        {
            { IsCompletedSuccessfully: true } => _records,
            { Exception.InnerException: PartialAppendException partial } => partial.Durable.Select(i => _records[i]),
            _ => [],
        };

        /// <summary>Adds the record's message, or returns its size in bytes (key and value) when that is more than
        /// <paramref name="maxBytes"/>, adding nothing.</summary>
        public long? Add(CanonicalRecord record, string? key, string? tag, int recordIndex, int maxBytes = int.MaxValue)
        {
            var writer = _writer ??= new Utf8JsonWriter(_scratch);
            _scratch.ResetWrittenCount();
            CanonicalJson.Write(writer, record, tag);
            writer.Flush();
            writer.Reset();
            // A UTF-16 unit takes at most three bytes of UTF-8, so a short key is not measured.
            if (_scratch.WrittenCount + (long)(key?.Length ?? 0) * 3 > maxBytes
                && _scratch.WrittenCount + (long)(key is null ? 0 : Encoding.UTF8.GetByteCount(key)) is var bytes && bytes > maxBytes)
            {
                return bytes;
            }
            _records.Add(recordIndex);
            _messages.Add(new LogMessage(key, Keep(_scratch.WrittenSpan)));
            return null;
        }

        public async Task AppendAsync(IEventLog log, string topic, CancellationToken ct)
        {
            _writer?.Dispose();
            if (_messages.Count > 0)
            {
                await log.AppendAsync(topic, _messages, ct).ConfigureAwait(false);
            }
        }

        private ReadOnlyMemory<byte> Keep(ReadOnlySpan<byte> json)
        {
            if (_chunk.Length - _used < json.Length)
            {
                // Sized for what the request still needs (a single record gets a small chunk), at most MaxChunkBytes.
                var remaining = expected - _messages.Count is var r and > 0 ? r : 16;
                var wanted = (long)remaining * Math.Max(json.Length, 128);
                _chunk = new byte[Math.Max(json.Length, (int)Math.Min(wanted, MaxChunkBytes))];
                _used = 0;
            }
            var kept = _chunk.AsMemory(_used, json.Length);
            json.CopyTo(kept.Span);
            _used += json.Length;
            return kept;
        }
    }
}
