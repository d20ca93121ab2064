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

    private async Task DeadLetterAsync(ILogConsumer consumer, PartitionBatch batch, RowsRefusedException refusal, CancellationToken ct)
    {
        var record = batch.Records[0];
        var at = $"{batch.Partition}@{record.Offset.ToString(System.Globalization.CultureInfo.InvariantCulture)}";
        var raw = batch.Entries.First(e => e.Offset == record.Offset).Value;
        var letter = new DeadLetter(at, batch.Schema.Name, 0, "log:" + at, _time.GetUtcNow(),
            [new FieldError(refusal.Column ?? "", "the warehouse refused the record: " + refusal.Reason)], DeadLetter.Cut(Encoding.UTF8.GetString(raw.Span)));
        var lettered = batch with { Schema = DatasetCatalog.DeadLetters, Records = [record with { Record = letter.ToRecord() }] };
        await CommitAsync(consumer, [lettered], ct).ConfigureAwait(false);
        _stats.Refused();
        _logger.LogWarning("{Position}: the warehouse refused the {Dataset} record ({Reason}); kept as a dead letter",
            at, batch.Schema.Name, refusal.Reason);
    }
}
