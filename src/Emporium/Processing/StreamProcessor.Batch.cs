using System.Diagnostics;
using System.Text.Json;
using Emporium.Datasets;
using Emporium.Log;
using Emporium.Warehouse;
using Microsoft.Extensions.Logging;

namespace Emporium.Processing;

public sealed partial class StreamProcessor
{
    /// <summary>Fetches and lands one micro-batch. Returns the number of log entries committed to the warehouse (0 when
    /// the log had nothing new within <see cref="StreamProcessorOptions.MaxWait"/>).</summary>
    public Task<int> RunOnceAsync(CancellationToken ct) => RunOnceAsync(_options.MaxBatchRecords, ct);

    /// <summary>Fetches and lands one micro-batch of at most <paramref name="maxRecords"/> log entries.</summary>
    private async Task<int> RunOnceAsync(int maxRecords, CancellationToken ct)
    {
        var consumer = _consumer ?? throw new InvalidOperationException("call StartAsync or InitializeAsync first");
        await _gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            await RecoverAssignedAsync(reloadAll: false, ct).ConfigureAwait(false);
            // One read serves both sinks: from the warehouse's positions, or earlier where the lake is behind them
            // (after a restart, the ranges committed to the warehouse whose lake files were still buffered).
            var from = _options.WriteLake ? _lakeBuffer.ReadPositions(_positions) : _positions;
            var entries = await consumer.FetchAsync(from, maxRecords, _options.MaxWait, ct).ConfigureAwait(false);
            var count = 0;
            if (entries.Count > 0)
            {
                var started = Stopwatch.GetTimestamp();
                var (decoded, retried) = _retried is null
                    ? (Decode(entries, from), 0)
                    : await _retried.DropAsync(Decode(entries, from), _positions, ct).ConfigureAwait(false);
                // Refused records: with a lake, its flush keeps them as dead letters (fenced on its own positions, as it
                // also meets those the warehouse took before the limit existed); without, the warehouse commit does.
                var batches = decoded.Select(b => b.From(_positions.GetValueOrDefault(b.Partition, 0))?.LatestPerKey())
                    .OfType<PartitionBatch>().Select(b => _options.WriteLake ? b.WithoutRefused() : b).ToList();
                if (batches.Count > 0)
                {
                    await CommitOrIsolateAsync(consumer, batches, ct).ConfigureAwait(false);
                    _stats.Retried(retried);
                    count = batches.Sum(b => b.Entries.Count);
                    var committedAt = _time.GetUtcNow();
                    _stats.Committed(
                        count,
                        batches.Sum(b => b.Records.Count),
                        Stopwatch.GetElapsedTime(started),
                        batches.SelectMany(b => b.Entries).Select(e => committedAt - e.Timestamp),
                        committedAt,
                        _positions);
                }
                if (_options.WriteLake)
                {
                    // Only what the warehouse holds now goes to the lake: it never runs ahead of the commit point.
                    _lakeBuffer.Add(decoded);
                    _stats.LakePending(_lakeBuffer.Count);
                }
            }
            if (_options.WriteLake && _lakeBuffer.IsDue())
            {
                await FlushLakeAsync(consumer, ct).ConfigureAwait(false);
            }
            StartCompactionIfDue(ct);
            return count;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>The commit point of the warehouse: rows and next offsets in one transaction, fenced on the positions
    /// read from.</summary>
    private async Task CommitAsync(ILogConsumer consumer, IReadOnlyList<PartitionBatch> batches, CancellationToken ct)
    {
        var next = batches.ToDictionary(b => b.Partition, b => b.Last + 1);
        var expected = batches.ToDictionary(b => b.Partition, b => _positions.GetValueOrDefault(b.Partition, 0));
        var rows = batches.Where(b => b.Records.Count > 0)
            .Select(b => new DatasetRows(b.Schema, b.Records.Select(r => r.Record).ToList(), b.Source.ToString()))
            .ToList();
        await _warehouse.CommitAsync(new WarehouseBatch(rows, _options.Group, next, ExpectedOffsets: expected), ct).ConfigureAwait(false);
        foreach (var (tp, offset) in next)
        {
            _positions[tp] = offset;
        }
        FaultInjection?.Invoke("committed");
        if (!_options.WriteLake)
        {
            await ReportProcessedAsync(consumer, next).ConfigureAwait(false);
        }
    }

    private async Task ReportProcessedAsync(ILogConsumer consumer, IReadOnlyDictionary<TopicPartition, long> next)
    {
        try
        {
            await consumer.ReportProcessedAsync(next, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            // Advisory only (lag and retention); the warehouse already holds the truth.
            _logger.LogWarning(e, "could not report processed offsets to the log");
        }
    }

    /// <summary>Groups entries per partition (dropping any before <paramref name="from"/>, should a log redeliver),
    /// decodes them and runs the hooks. Records keep every version of a key: each sink picks the latest of its part.</summary>
    private List<PartitionBatch> Decode(IReadOnlyList<LogEntry> entries, IReadOnlyDictionary<TopicPartition, long> from)
    {
        var result = new List<PartitionBatch>();
        foreach (var group in entries.GroupBy(e => e.Position))
        {
            if (!_schemas.TryGetValue(group.Key.Topic, out var schema))
            {
                continue;
            }
            var start = from.GetValueOrDefault(group.Key, 0);
            var committed = _positions.GetValueOrDefault(group.Key, 0);
            var ordered = group.Where(e => e.Offset >= start).OrderBy(e => e.Offset).ToList();
            if (ordered.Count == 0)
            {
                continue;
            }
            var records = new List<BatchRecord>(ordered.Count);
            foreach (var entry in ordered)
            {
                CanonicalRecord record;
                string? tag;
                try
                {
                    record = CanonicalJson.Deserialize(schema, entry.Value.Span, out tag);
                }
                catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException)
                {
                    // Ingest only appends validated canonical JSON, so this is corruption or a foreign producer:
                    // the entry stays in the raw zone, and is counted (once: not again when the lake re-reads it), but
                    // never blocks the partition.
                    if (entry.Offset >= committed)
                    {
                        _stats.Poison();
                        _logger.LogWarning("{Partition}@{Offset}: not canonical {Dataset} JSON ({Error}); kept in the raw zone only",
                            group.Key, entry.Offset, schema.Name, e.Message);
                    }
                    continue;
                }
                if (_hooks.Apply(record) is { } kept)
                {
                    // A log written before a limit existed may hold a value ingest refuses now; one order with a country
                    // too long for a lake folder name made every lake write fail.
                    var refusal = RecordNormalizer.AnyOverLimit(kept.Schema, kept.Values)
                        ? RecordNormalizer.LimitErrors(kept.Schema, kept.Values).First().Error
                        : null;
                    records.Add(new BatchRecord(entry.Offset, entry.Timestamp, kept, tag is null || _retried is null ? null : RetriedRecords.HashOf(tag), refusal));
                }
            }
            result.Add(new PartitionBatch(group.Key, schema, ordered, records));
        }
        return result;
    }
}
