using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Emporium.Log;
using Emporium.Warehouse;

namespace Emporium.Processing;

/// <summary>Lands a record sent with an Idempotency-Key once, however many times it was appended. Ingest's own key
/// memory keeps a retry from appending again only when the retry reaches the same ingest process; a retry that reaches
/// another one (several ingest processes behind a load balancer) appends the records again, and so does the retry of a
/// Kafka message whose delivery could not be confirmed. Every such message carries its ingest tag (request, body and
/// record position), so the processor claims each tag in the warehouse for the first entry that presents it and drops
/// the record of any other entry. The decision depends only on the stored claims, so a re-read (after a crash, for the
/// lake, or in a replay) drops exactly what the first read dropped, and processors sharing a PostgreSQL warehouse agree.
/// Entries stay in the log and the raw zone; only the typed sinks (warehouse, clean Parquet) skip them.</summary>
internal sealed class RetriedRecords(IWarehouse warehouse, TimeSpan window, TimeProvider time)
{
    /// <summary>How often claims older than the window are deleted.</summary>
    private static readonly TimeSpan ForgetEvery = TimeSpan.FromMinutes(10);

    private DateTimeOffset _nextForget = DateTimeOffset.MinValue;

    /// <summary>A 64-bit hash of an ingest tag: what the warehouse stores per claim (a tag is ~70 characters, and the
    /// claims of a day's keyed requests are kept).</summary>
    public static long HashOf(string tag)
    {
        // Tags are ASCII of about 70 characters: hashed from the stack, not a new array per record.
        var length = Encoding.UTF8.GetMaxByteCount(tag.Length);
        Span<byte> utf8 = length <= 256 ? stackalloc byte[length] : new byte[length];
        Span<byte> digest = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(utf8[..Encoding.UTF8.GetBytes(tag, utf8)], digest);
        return BinaryPrimitives.ReadInt64LittleEndian(digest);
    }

    /// <summary>The batches without the records whose tag an earlier entry claimed, and how many of those were at or
    /// after the <paramref name="committed"/> positions (a re-read for the lake is not counted again). Entries without
    /// a tag pass as they are, and a call without any costs no warehouse round trip (except the periodic clean-up).</summary>
    public async Task<(List<PartitionBatch> Batches, int Dropped)> DropAsync(
        List<PartitionBatch> batches, IReadOnlyDictionary<TopicPartition, long> committed, CancellationToken ct)
    {
        // Sorted by position, so which of two copies in one call wins does not depend on the order the log returned them.
        var claims = batches
            .SelectMany(b => b.Records.Where(r => r.TagHash is not null).Select(r => new IngestClaim(r.TagHash!.Value, b.Partition, r.Offset)))
            .OrderBy(c => c.Partition.Topic, StringComparer.Ordinal).ThenBy(c => c.Partition.Partition).ThenBy(c => c.Offset)
            .ToList();
        var now = time.GetUtcNow();
        DateTime? forget = now >= _nextForget ? (now - window).UtcDateTime : null;
        if (claims.Count == 0 && forget is null)
        {
            return (batches, 0);
        }
        var winners = await warehouse.ClaimIngestTagsAsync(claims, forget, ct).ConfigureAwait(false);
        if (forget is not null)
        {
            _nextForget = now + ForgetEvery;
        }
        if (claims.Count == 0)
        {
            return (batches, 0);
        }
        var result = new List<PartitionBatch>(batches.Count);
        var dropped = 0;
        foreach (var batch in batches)
        {
            var from = committed.GetValueOrDefault(batch.Partition, 0);
            var kept = new List<BatchRecord>(batch.Records.Count);
            foreach (var record in batch.Records)
            {
                if (IsFirst(record, batch.Partition, winners))
                {
                    kept.Add(record);
                }
                else if (record.Offset >= from)
                {
                    dropped++;
                }
            }
            result.Add(kept.Count < batch.Records.Count ? batch with { Records = kept } : batch);
        }
        return (result, dropped);
    }

    private static bool IsFirst(BatchRecord record, TopicPartition partition, IReadOnlyDictionary<long, IngestClaim> winners) =>
        record.TagHash is not { } hash
        || !winners.TryGetValue(hash, out var winner)
        || (winner.Partition == partition && winner.Offset == record.Offset);
}
