using System.Buffers;
using System.Text.Json;
using Emporium.Datasets;
using Emporium.Log;

namespace Emporium.Ingest;

/// <summary>Normalizes the records of one request, appends the valid ones to the dataset's topic (keyed by the
/// natural key, so one key always lands in one partition) and stores the invalid ones as dead letters. Returns
/// only when both are durable, which is what allows the 202.</summary>
public sealed class IngestPipeline(IEventLog log, IRecordNormalizer normalizer, IDeadLetterStore deadLetters, IngestStats stats, TimeProvider time)
{
    /// <summary>Below this many records a request is normalized on the calling thread; above, on all cores.</summary>
    private const int ParallelThreshold = 256;

    public async Task<IngestResult> IngestAsync(DatasetSchema schema, IReadOnlyList<InputRecord> records, string source, CancellationToken ct)
    {
        var results = new NormalizeResult?[records.Count];
        if (records.Count >= ParallelThreshold)
        {
            Parallel.For(0, records.Count, new ParallelOptions { CancellationToken = ct }, i => results[i] = Normalize(schema, records[i]));
        }
        else
        {
            for (var i = 0; i < records.Count; i++)
            {
                results[i] = Normalize(schema, records[i]);
            }
        }

        // All accepted records are serialized into one buffer; messages are slices of it, taken once it stops growing.
        var buffer = new ArrayBufferWriter<byte>(Math.Max(256, records.Count * 256));
        var slices = new List<(string? Key, int Start, int Length)>(records.Count);
        var errors = new List<IngestError>();
        var letters = new List<DeadLetter>();
        var now = time.GetUtcNow();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            for (var i = 0; i < records.Count; i++)
            {
                var input = records[i];
                if (results[i] is { Record: { } record })
                {
                    var start = buffer.WrittenCount;
                    CanonicalJson.Write(writer, record);
                    writer.Flush();
                    writer.Reset();
                    slices.Add((record.Key, start, buffer.WrittenCount - start));
                    continue;
                }
                IReadOnlyList<FieldError> problems = input.Value is null
                    ? [new FieldError("", input.Error ?? "unreadable record")]
                    : results[i]!.Errors.Count > 0 ? results[i]!.Errors : [new FieldError("", "rejected by the normalizer")];
                errors.AddRange(problems.Select(p => new IngestError(input.Index, p.Field, p.Error)));
                letters.Add(new DeadLetter(schema.Name, input.Index, source, now, problems, input.RawText));
            }
        }
        if (slices.Count > 0)
        {
            var written = buffer.WrittenMemory;
            var messages = slices.Select(s => new LogMessage(s.Key, written.Slice(s.Start, s.Length))).ToList();
            await log.AppendAsync(schema.Name, messages, ct);
        }
        await deadLetters.AddAsync(letters, ct);
        var outcome = new IngestResult(schema.Name, slices.Count, letters.Count, errors);
        stats.Record(outcome);
        return outcome;
    }

    /// <summary>Rejects a record the caller already found invalid (e.g. a route-specific check), keeping it as a dead letter.</summary>
    public async Task<IngestResult> RejectAsync(DatasetSchema schema, InputRecord input, FieldError error, string source, CancellationToken ct)
    {
        await deadLetters.AddAsync([new DeadLetter(schema.Name, input.Index, source, time.GetUtcNow(), [error], input.RawText)], ct);
        var outcome = new IngestResult(schema.Name, 0, 1, [new IngestError(input.Index, error.Field, error.Error)]);
        stats.Record(outcome);
        return outcome;
    }

    private NormalizeResult? Normalize(DatasetSchema schema, InputRecord input) =>
        input.Value is { } value ? normalizer.Normalize(schema, value) : null;
}
