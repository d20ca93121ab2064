using System.Diagnostics;
using System.Text.Json;
using Emporium.Datasets;
using Emporium.Lake;
using Emporium.Log;
using Emporium.Warehouse;
using Microsoft.Extensions.Logging;

namespace Emporium.Processing;

public sealed partial class StreamProcessor
{
    /// <summary>Fetches and lands one micro-batch. Returns the number of log entries committed (0 when the log had
    /// nothing new within <see cref="StreamProcessorOptions.MaxWait"/>).</summary>
    public Task<int> RunOnceAsync(CancellationToken ct) => RunOnceAsync(_options.MaxBatchRecords, ct);

    /// <summary>Fetches and lands one micro-batch of at most <paramref name="maxRecords"/> log entries.</summary>
    private async Task<int> RunOnceAsync(int maxRecords, CancellationToken ct)
    {
        var consumer = _consumer ?? throw new InvalidOperationException("call StartAsync or InitializeAsync first");
        await _gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            await RecoverAssignedAsync(reloadAll: false, ct).ConfigureAwait(false);
            var entries = await consumer.FetchAsync(_positions, maxRecords, _options.MaxWait, ct).ConfigureAwait(false);
            if (entries.Count == 0)
            {
                return 0;
            }
            var started = Stopwatch.GetTimestamp();
            var batches = Decode(entries);
            if (batches.Count == 0)
            {
                return 0;
            }
            await LandAsync(consumer, batches, ct).ConfigureAwait(false);

            var committedAt = _time.GetUtcNow();
            var count = batches.Sum(b => b.Entries.Count);
            _stats.Committed(
                count,
                batches.Sum(b => b.Records.Count),
                Stopwatch.GetElapsedTime(started),
                batches.SelectMany(b => b.Entries).Select(e => committedAt - e.Timestamp),
                committedAt,
                _positions);
            return count;
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task LandAsync(ILogConsumer consumer, IReadOnlyList<PartitionBatch> batches, CancellationToken ct)
    {
        // 1. Lake files and pending manifests: invisible to readers, deleted by recovery unless step 2 commits.
        // Files are written concurrently: each write waits on fsyncs, and a batch usually spans every partition of a
        // topic, so waiting for them one after another multiplied the batch latency (and so freshness).
        IReadOnlyList<LakeManifest> manifests = [];
        if (_options.WriteLake)
        {
            manifests = await _lakeWriter.WriteAsync(batches, ct).ConfigureAwait(false);
            FaultInjection?.Invoke("files");
            await Task.WhenAll(manifests.Select(manifest => _manifests.WritePendingAsync(manifest, ct))).ConfigureAwait(false);
        }
        FaultInjection?.Invoke("lake");

        // 2. The commit point: rows and next offsets in one warehouse transaction, fenced on the positions read from.
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

        // 3. Publish: the files become visible. A crash before this is repaired by recovery from the pending copy.
        // The batch is committed, so a stop request no longer interrupts this short tail.
        await Task.WhenAll(manifests.Select(async manifest =>
        {
            await _manifests.PublishAsync(manifest, CancellationToken.None).ConfigureAwait(false);
            await _manifests.DeletePendingAsync(manifest.Dataset, manifest.Id, CancellationToken.None).ConfigureAwait(false);
        })).ConfigureAwait(false);

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

    /// <summary>Groups entries per partition (dropping any before the position, should a log redeliver), decodes
    /// them, runs the hooks and, for upsert datasets, keeps the last record per key.</summary>
    private List<PartitionBatch> Decode(IReadOnlyList<LogEntry> entries)
    {
        var result = new List<PartitionBatch>();
        foreach (var group in entries.GroupBy(e => e.Position))
        {
            if (!_schemas.TryGetValue(group.Key.Topic, out var schema))
            {
                continue;
            }
            var position = _positions.GetValueOrDefault(group.Key, 0);
            var ordered = group.Where(e => e.Offset >= position).OrderBy(e => e.Offset).ToList();
            if (ordered.Count == 0)
            {
                continue;
            }
            var records = new List<BatchRecord>(ordered.Count);
            foreach (var entry in ordered)
            {
                CanonicalRecord record;
                try
                {
                    record = CanonicalJson.Deserialize(schema, entry.Value.Span);
                }
                catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException)
                {
                    // Ingest only appends validated canonical JSON, so this is corruption or a foreign producer:
                    // the entry stays in the raw zone, and is counted, but never blocks the partition.
                    _stats.Poison();
                    _logger.LogWarning("{Partition}@{Offset}: not canonical {Dataset} JSON ({Error}); kept in the raw zone only",
                        group.Key, entry.Offset, schema.Name, e.Message);
                    continue;
                }
                if (_hooks.Apply(record) is { } kept)
                {
                    records.Add(new BatchRecord(entry.Offset, entry.Timestamp, kept));
                }
            }
            result.Add(new PartitionBatch(group.Key, schema, ordered, schema.Mode == WriteMode.Upsert ? LatestPerKey(records) : records));
        }
        return result;
    }

    private static List<BatchRecord> LatestPerKey(List<BatchRecord> records)
    {
        var last = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < records.Count; i++)
        {
            if (records[i].Record.Key is { } key)
            {
                last[key] = i;
            }
        }
        var kept = new List<BatchRecord>(last.Count);
        for (var i = 0; i < records.Count; i++)
        {
            if (records[i].Record.Key is not { } key || last[key] == i)
            {
                kept.Add(records[i]);
            }
        }
        return kept;
    }
}
