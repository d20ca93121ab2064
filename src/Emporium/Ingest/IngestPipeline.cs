using Emporium.Datasets;
using Emporium.Log;

namespace Emporium.Ingest;

/// <summary>Normalizes the records of one request, appends the valid ones to the dataset's topic (keyed by the
/// natural key, so one key always lands in one partition) and stores the invalid ones as dead letters. Returns
/// only when both are durable, which is what allows the 202.</summary>
public sealed class IngestPipeline(IEventLog log, IRecordNormalizer normalizer, IDeadLetterStore deadLetters, IngestStats stats, TimeProvider time)
{
    public async Task<IngestResult> IngestAsync(DatasetSchema schema, IReadOnlyList<InputRecord> records, string source, CancellationToken ct)
    {
        var messages = new List<LogMessage>(records.Count);
        var errors = new List<IngestError>();
        var letters = new List<DeadLetter>();
        var now = time.GetUtcNow();
        foreach (var input in records)
        {
            IReadOnlyList<FieldError> problems;
            if (input.Value is { } value)
            {
                var result = normalizer.Normalize(schema, value);
                if (result.Record is { } record)
                {
                    messages.Add(new LogMessage(record.Key, CanonicalJson.Serialize(record)));
                    continue;
                }
                problems = result.Errors.Count > 0 ? result.Errors : [new FieldError("", "rejected by the normalizer")];
            }
            else
            {
                problems = [new FieldError("", input.Error ?? "unreadable record")];
            }
            errors.AddRange(problems.Select(p => new IngestError(input.Index, p.Field, p.Error)));
            letters.Add(new DeadLetter(schema.Name, input.Index, source, now, problems, input.Raw));
        }
        if (messages.Count > 0)
        {
            await log.AppendAsync(schema.Name, messages, ct);
        }
        await deadLetters.AddAsync(letters, ct);
        var outcome = new IngestResult(schema.Name, messages.Count, letters.Count, errors);
        stats.Record(outcome);
        return outcome;
    }

    /// <summary>Rejects a record the caller already found invalid (e.g. a route-specific check), keeping it as a dead letter.</summary>
    public async Task<IngestResult> RejectAsync(DatasetSchema schema, InputRecord input, FieldError error, string source, CancellationToken ct)
    {
        await deadLetters.AddAsync([new DeadLetter(schema.Name, input.Index, source, time.GetUtcNow(), [error], input.Raw)], ct);
        var outcome = new IngestResult(schema.Name, 0, 1, [new IngestError(input.Index, error.Field, error.Error)]);
        stats.Record(outcome);
        return outcome;
    }
}
