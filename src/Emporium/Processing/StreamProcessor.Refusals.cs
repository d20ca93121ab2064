using System.Text;
using Emporium.Datasets;
using Emporium.Log;
using Emporium.Warehouse;
using Microsoft.Extensions.Logging;

namespace Emporium.Processing;

public sealed partial class StreamProcessor
{
    /// <summary>Commits the batches; when the warehouse refuses them for their rows (<see cref="RowsRefusedException"/>),
    /// finds the records it refuses and keeps each as a dead letter. A refused batch used to be retried forever, so one
    /// record (a key too long for PostgreSQL's index, a row against a constraint an operator added, a hook's output)
    /// stopped its whole dataset behind it.</summary>
    private async Task CommitOrIsolateAsync(ILogConsumer consumer, IReadOnlyList<PartitionBatch> batches, CancellationToken ct)
    {
        if (batches.Any(b => b.HasRefused))
        {
            foreach (var batch in batches)
            {
                await CommitAroundRefusedAsync(consumer, batch, ct).ConfigureAwait(false);
            }
            return;
        }
        try
        {
            await CommitAsync(consumer, batches, ct).ConfigureAwait(false);
        }
        catch (RowsRefusedException)
        {
            foreach (var batch in batches)
            {
                await IsolateAsync(consumer, batch, ct).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Commits one partition's batch, halving it while the warehouse refuses it: a refusal is the rows' own,
    /// so it recurs for the same rows, and the halves between refused records commit in order (each with its positions,
    /// so a crash in between resumes after the last half committed). A record refused alone becomes a dead letter,
    /// committed with the position after it in one transaction: exactly once, like the rows.</summary>
    private async Task IsolateAsync(ILogConsumer consumer, PartitionBatch batch, CancellationToken ct)
    {
        try
        {
            await CommitAsync(consumer, [batch], ct).ConfigureAwait(false);
            return;
        }
        catch (RowsRefusedException e) when (batch.Records.Count == 1)
        {
            await DeadLetterAsync(consumer, batch, e, ct).ConfigureAwait(false);
            return;
        }
        catch (RowsRefusedException) when (batch.Records.Count > 1)
        {
        }
        var middle = batch.Records[batch.Records.Count / 2].Offset;
        await IsolateAsync(consumer, batch.Before(middle)!, ct).ConfigureAwait(false);
        await IsolateAsync(consumer, batch.From(middle)!, ct).ConfigureAwait(false);
    }

    /// <summary>Commits a batch holding refused records (<see cref="BatchRecord.Refusal"/>) in order: the part before
    /// each (<see cref="IsolateAsync"/>), then the refused record as a dead letter with the position after it.</summary>
    private async Task CommitAroundRefusedAsync(ILogConsumer consumer, PartitionBatch batch, CancellationToken ct)
    {
        var rest = batch;
        foreach (var record in batch.Records.Where(r => r.Refusal is not null).ToList())
        {
            if (rest.Before(record.Offset) is { } before)
            {
                await IsolateAsync(consumer, before, ct).ConfigureAwait(false);
            }
            var alone = rest.From(record.Offset)!.Before(record.Offset + 1)!;
            await CommitAsync(consumer, [alone with { Schema = DatasetCatalog.DeadLetters, Records = [Lettered(alone, record, record.Refusal!)] }], ct).ConfigureAwait(false);
            NoteRefused(alone, record, record.Refusal!);
            if (rest.From(record.Offset + 1) is not { } after)
            {
                return;
            }
            rest = after;
        }
        await IsolateAsync(consumer, rest, ct).ConfigureAwait(false);
    }

    private async Task DeadLetterAsync(ILogConsumer consumer, PartitionBatch batch, RowsRefusedException refusal, CancellationToken ct)
    {
        var error = new FieldError(refusal.Column ?? "", "the warehouse refused the record: " + refusal.Reason);
        var lettered = batch with { Schema = DatasetCatalog.DeadLetters, Records = [Lettered(batch, batch.Records[0], error)] };
        await CommitAsync(consumer, [lettered], ct).ConfigureAwait(false);
        NoteRefused(batch, batch.Records[0], error);
    }

    /// <summary>The dead letter of a record of <paramref name="batch"/>, named by its log position.</summary>
    private BatchRecord Lettered(PartitionBatch batch, BatchRecord record, FieldError error)
    {
        var at = Position(batch, record);
        var raw = batch.Entries.First(e => e.Offset == record.Offset).Value;
        var letter = new DeadLetter(at, batch.Schema.Name, 0, "log:" + at, _time.GetUtcNow(), [error], DeadLetter.Cut(Encoding.UTF8.GetString(raw.Span)));
        return record with { Record = letter.ToRecord(), Refusal = null };
    }

    /// <summary>Counts and logs a dead letter once it is committed (a failed commit is tried again).</summary>
    private void NoteRefused(PartitionBatch batch, BatchRecord record, FieldError error)
    {
        _stats.Refused();
        _logger.LogWarning("{Position}: the {Dataset} record is refused ({Field}: {Reason}); kept as a dead letter",
            Position(batch, record), batch.Schema.Name, error.Field, error.Error);
    }

    private static string Position(PartitionBatch batch, BatchRecord record) =>
        $"{batch.Partition}@{record.Offset.ToString(System.Globalization.CultureInfo.InvariantCulture)}";
}
