using Emporium.Log;

namespace Emporium.Warehouse.DuckDb;

public sealed partial class DuckDbWarehouse
{
    /// <summary>The committed claims by tag hash. The table has no primary key: it cost more than the rest of a batch
    /// (5 000 claims took 20 ms with an ART index, rising to 95 ms past a million claims, and 64 bytes of index memory
    /// per claim). This process is the file's only writer, so it keeps the claims here and only appends new ones. Loaded
    /// at the first claim; null until then, and after a failed claim (reloaded, since the failure may have come after
    /// the commit).</summary>
    private Dictionary<long, (IngestClaim Claim, DateTime ClaimedAt)>? _claims;

    public async Task<IReadOnlyDictionary<long, IngestClaim>> ClaimIngestTagsAsync(
        IReadOnlyCollection<IngestClaim> claims, DateTime? forgetBefore, CancellationToken ct)
    {
        var distinct = claims.DistinctBy(c => c.TagHash).ToList();
        if (distinct.Count == 0 && forgetBefore is null)
        {
            return new Dictionary<long, IngestClaim>();
        }
        return await InWriteTransactionAsync<IReadOnlyDictionary<long, IngestClaim>>((tx, now) =>
        {
            try
            {
                var mirror = _claims ??= LoadClaims();
                if (forgetBefore is { } before)
                {
                    Execute(_writer, $"DELETE FROM {IngestClaim.Table} WHERE claimed_at < {SqlLiteral.Timestamp(before)}");
                }
                var winners = new Dictionary<long, IngestClaim>(distinct.Count);
                var fresh = new List<IngestClaim>();
                foreach (var claim in distinct)
                {
                    if (mirror.TryGetValue(claim.TagHash, out var stored) && (forgetBefore is null || stored.ClaimedAt >= forgetBefore))
                    {
                        winners[claim.TagHash] = stored.Claim;
                    }
                    else
                    {
                        winners[claim.TagHash] = claim;
                        fresh.Add(claim);
                    }
                }
                if (fresh.Count > 0)
                {
                    using var appender = _writer.CreateAppender(IngestClaim.Table);
                    foreach (var claim in fresh)
                    {
                        ct.ThrowIfCancellationRequested();
                        appender.CreateRow().AppendValue((long?)claim.TagHash).AppendValue(claim.Partition.Topic).AppendValue((int?)claim.Partition.Partition)
                            .AppendValue((long?)claim.Offset).AppendValue((DateTime?)now).EndRow();
                    }
                }
                tx.Commit();
                if (forgetBefore is { } cut)
                {
                    foreach (var (hash, stored) in mirror)
                    {
                        if (stored.ClaimedAt < cut)
                        {
                            mirror.Remove(hash);
                        }
                    }
                }
                foreach (var claim in fresh)
                {
                    mirror[claim.TagHash] = (claim, now);
                }
                return Task.FromResult<IReadOnlyDictionary<long, IngestClaim>>(winners);
            }
            catch
            {
                _claims = null;
                throw;
            }
        }, cleanup: null, ct).ConfigureAwait(false);
    }

    private Dictionary<long, (IngestClaim, DateTime)> LoadClaims()
    {
        var mirror = new Dictionary<long, (IngestClaim, DateTime)>();
        var topics = new Dictionary<string, string>(StringComparer.Ordinal);
        using var cmd = _writer.CreateCommand();
        cmd.CommandText = $"""SELECT tag_hash, topic, "partition", "offset", claimed_at FROM {IngestClaim.Table}""";
        using var reader = cmd.ExecuteReader();
        while (reader.Read())
        {
            var topic = reader.GetString(1);
            topic = topics.TryGetValue(topic, out var shared) ? shared : topics[topic] = topic;
            mirror.TryAdd(reader.GetInt64(0), (new IngestClaim(reader.GetInt64(0), new TopicPartition(topic, reader.GetInt32(2)), reader.GetInt64(3)), reader.GetDateTime(4)));
        }
        return mirror;
    }
}
