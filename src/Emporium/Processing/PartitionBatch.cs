using Emporium.Datasets;
using Emporium.Log;

namespace Emporium.Processing;

/// <summary>The entries of one partition in one micro-batch, decoded and ready for the sinks.</summary>
/// <param name="Partition">Topic partition.</param>
/// <param name="Schema">Dataset of the topic.</param>
/// <param name="Entries">Raw log entries, in offset order (all of them, for the raw zone).</param>
/// <param name="Records">Decoded records after hooks (and, once <see cref="LatestPerKey"/> ran, in-batch dedupe), with
/// their offsets.</param>
internal sealed record PartitionBatch(
    TopicPartition Partition,
    DatasetSchema Schema,
    IReadOnlyList<LogEntry> Entries,
    IReadOnlyList<BatchRecord> Records)
{
    public long First => Entries[0].Offset;

    public long Last => Entries[^1].Offset;

    public LogSource Source => new(Partition, First, Last);

    public string Id => Lake.LakeLayout.OffsetRange(Partition.Partition, First, Last);

    /// <summary>The part at or after <paramref name="offset"/>; null when nothing is.</summary>
    public PartitionBatch? From(long offset)
    {
        if (offset <= First)
        {
            return this;
        }
        if (offset > Last)
        {
            return null;
        }
        return this with
        {
            Entries = Entries.Where(e => e.Offset >= offset).ToList(),
            Records = Records.Where(r => r.Offset >= offset).ToList(),
        };
    }

    /// <summary>The part before <paramref name="offset"/>; null when nothing is.</summary>
    public PartitionBatch? Before(long offset)
    {
        if (offset > Last)
        {
            return this;
        }
        if (offset <= First)
        {
            return null;
        }
        return this with
        {
            Entries = Entries.Where(e => e.Offset < offset).ToList(),
            Records = Records.Where(r => r.Offset < offset).ToList(),
        };
    }

    /// <summary>True when a record is refused (<see cref="BatchRecord.Refusal"/>).</summary>
    public bool HasRefused => Records.Any(r => r.Refusal is not null);

    /// <summary>The batch without its refused records (its entries and so its positions unchanged).</summary>
    public PartitionBatch WithoutRefused() => HasRefused ? this with { Records = Records.Where(r => r.Refusal is null).ToList() } : this;

    /// <summary>Consecutive batches of one partition as one (the lake writes what several warehouse batches committed).</summary>
    public static PartitionBatch Concat(IReadOnlyList<PartitionBatch> batches) =>
        batches.Count == 1
            ? batches[0]
            : batches[0] with { Entries = batches.SelectMany(b => b.Entries).ToList(), Records = batches.SelectMany(b => b.Records).ToList() };

    /// <summary>For upsert datasets, the last record per key (in offset order); append datasets keep every record.</summary>
    public PartitionBatch LatestPerKey()
    {
        if (Schema.Mode != WriteMode.Upsert)
        {
            return this;
        }
        var last = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < Records.Count; i++)
        {
            // A refused record replaces no version of its key: it is kept aside for its dead letter.
            if (Records[i].Refusal is null && Records[i].Record.Key is { } key)
            {
                last[key] = i;
            }
        }
        if (last.Count == Records.Count)
        {
            return this;
        }
        var kept = new List<BatchRecord>(last.Count);
        for (var i = 0; i < Records.Count; i++)
        {
            if (Records[i].Refusal is not null || Records[i].Record.Key is not { } key || last[key] == i)
            {
                kept.Add(Records[i]);
            }
        }
        return this with { Records = kept };
    }
}

/// <summary>A decoded record with the offset and append time of its log entry, and the hash of its ingest tag when it
/// was sent with an Idempotency-Key (<see cref="RetriedRecords"/>).</summary>
/// <param name="Refusal">Why the record is kept as a dead letter instead of landing: a value ingest refuses now but
/// accepted when the record was written (a lake partition value past <see cref="DatasetSchema.MaxPartitionValueBytes"/>).</param>
internal readonly record struct BatchRecord(long Offset, DateTimeOffset Appended, CanonicalRecord Record, long? TagHash = null, FieldError? Refusal = null);
