using Emporium.Datasets;
using Emporium.Lake;
using Emporium.Log;
using Emporium.Warehouse;
using Microsoft.Extensions.Logging;

namespace Emporium.Processing;

public sealed partial class StreamProcessor
{
    /// <summary>Writes what the warehouse committed and the lake has not got yet, exactly once: files under names
    /// derived from the offset range and pending manifests (invisible, deleted by recovery unless the next step
    /// commits), then the lake's next offsets in the warehouse under <see cref="StreamProcessorOptions.LakeGroup"/>,
    /// fenced on where the lake stood (the commit point), then the published manifests.</summary>
    private async Task FlushLakeAsync(ILogConsumer consumer, CancellationToken ct)
    {
        var pending = _lakeBuffer.Pending();
        if (pending.Count == 0)
        {
            return;
        }
        // A refused record (a value ingest refuses now, written before the limit existed) is left out of the files and
        // kept as a dead letter in the commit of the lake's positions: exactly once, and the lake goes on past it.
        var batches = pending.Select(b => b.WithoutRefused()).ToList();
        var letters = pending.Where(b => b.HasRefused).Select(b => new DatasetRows(DatasetCatalog.DeadLetters,
            b.Records.Where(r => r.Refusal is not null).Select(r => Lettered(b, r, r.Refusal!).Record).ToList(), b.Source.ToString())).ToList();
        // Files are written concurrently: each write waits on fsyncs, and a flush usually spans every partition of a
        // topic, so waiting for them one after another multiplied the time the flush holds the processor.
        var manifests = await _lakeWriter.WriteAsync(batches, ct).ConfigureAwait(false);
        FaultInjection?.Invoke("files");
        await Task.WhenAll(manifests.Select(manifest => _manifests.WritePendingAsync(manifest, ct))).ConfigureAwait(false);
        FaultInjection?.Invoke("lake");

        var next = batches.ToDictionary(b => b.Partition, b => b.Last + 1);
        var expected = batches.ToDictionary(b => b.Partition, b => _lakeBuffer.Committed.GetValueOrDefault(b.Partition, 0));
        await _warehouse.CommitAsync(new WarehouseBatch(letters, _options.LakeGroup, next, ExpectedOffsets: expected), ct).ConfigureAwait(false);
        _lakeBuffer.Flushed(next);
        foreach (var batch in pending.Where(b => b.HasRefused))
        {
            foreach (var record in batch.Records.Where(r => r.Refusal is not null))
            {
                NoteRefused(batch, record, record.Refusal!);
            }
        }
        _stats.Lake(batches.Sum(b => b.Entries.Count), _lakeBuffer.Count, _lakeBuffer.Committed);
        FaultInjection?.Invoke("lake-committed");

        // Publish: the files become visible. A crash before this is repaired by recovery from the pending copy.
        // The flush is committed, so a stop request no longer interrupts this short tail.
        await Task.WhenAll(manifests.Select(async manifest =>
        {
            await _manifests.PublishAsync(manifest, CancellationToken.None).ConfigureAwait(false);
            await _manifests.DeletePendingAsync(manifest.Dataset, manifest.Id, CancellationToken.None).ConfigureAwait(false);
        })).ConfigureAwait(false);
        // The lake is never ahead of the warehouse, so its positions are what the group has fully processed.
        await ReportProcessedAsync(consumer, next).ConfigureAwait(false);
    }

    /// <summary>Writes whatever waits for the lake now (a clean stop, or a caller that wants the lake current).</summary>
    public async Task FlushLakeAsync(CancellationToken ct)
    {
        var consumer = _consumer ?? throw new InvalidOperationException("call StartAsync or InitializeAsync first");
        if (!_options.WriteLake)
        {
            return;
        }
        await _gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            await FlushLakeAsync(consumer, ct).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Where the lake stands for newly owned partitions (<see cref="LakePositions"/>). The first start of this
    /// version stores the lake's offsets of every partition (the warehouse's, or zeros on a fresh data dir), so a later
    /// start tells "nothing in the lake yet" from "written before the lake had offsets"; a lake ahead of the warehouse
    /// is brought back to it. Corrections are committed at once, so the lake's fenced commits start from what is
    /// stored.</summary>
    private async Task<Dictionary<TopicPartition, long>> LoadLakePositionsAsync(IReadOnlyCollection<TopicPartition> partitions, CancellationToken ct)
    {
        var stored = await _warehouse.GetOffsetsAsync(_options.LakeGroup, ct).ConfigureAwait(false);
        var positions = partitions.ToDictionary(tp => tp, tp => LakePositions.Of(tp, stored, _positions));
        var corrected = new Dictionary<TopicPartition, long>();
        if (stored.Count == 0)
        {
            var warehouse = await _warehouse.GetOffsetsAsync(_options.Group, ct).ConfigureAwait(false);
            foreach (var (tp, offset) in warehouse.Where(kv => _schemas.ContainsKey(kv.Key.Topic)).Concat(positions))
            {
                corrected[tp] = offset;
            }
        }
        foreach (var (tp, position) in positions.Where(kv => stored.TryGetValue(kv.Key, out var lake) && lake != kv.Value))
        {
            corrected[tp] = position;
        }
        if (corrected.Count > 0)
        {
            _logger.LogInformation("lake offsets stored for {Count} partition(s): {Partitions}", corrected.Count,
                string.Join(", ", corrected.Take(8).Select(kv => $"{kv.Key}@{kv.Value}")) + (corrected.Count > 8 ? ", …" : ""));
            await _warehouse.CommitAsync(new WarehouseBatch([], _options.LakeGroup, corrected,
                ExpectedOffsets: corrected.Keys.ToDictionary(tp => tp, tp => stored.GetValueOrDefault(tp, 0))), ct).ConfigureAwait(false);
        }
        return positions;
    }
}
