using System.Globalization;
using Emporium.Log;
using static Emporium.Warehouse.DuckDb.DuckDbSql;

namespace Emporium.Warehouse.DuckDb;

public sealed partial class DuckDbWarehouse
{
    private const string ClaimsDdl = $"""
        CREATE TABLE IF NOT EXISTS {IngestClaim.Table} (
            tag_hash BIGINT PRIMARY KEY, topic VARCHAR NOT NULL, "partition" INTEGER NOT NULL,
            "offset" BIGINT NOT NULL, claimed_at TIMESTAMP NOT NULL)
        """;

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
            if (forgetBefore is { } before)
            {
                Execute(_writer, $"DELETE FROM {IngestClaim.Table} WHERE claimed_at < {SqlLiteral.Timestamp(before)}");
            }
            var winners = new Dictionary<long, IngestClaim>(distinct.Count);
            var byHash = distinct.ToDictionary(c => c.TagHash);
            using var cmd = _writer.CreateCommand();
            // The primary key's index answers both the conflict check and the look-up of the tags claimed before, so
            // neither scans the table.
            foreach (var chunk in distinct.Chunk(IngestClaim.PerStatement))
            {
                ct.ThrowIfCancellationRequested();
                cmd.CommandText = $"""
                    INSERT INTO {IngestClaim.Table} VALUES {string.Join(", ", chunk.Select(c => $"({Literal(c.TagHash)}, {Literal(c.Partition.Topic)}, {c.Partition.Partition.ToString(CultureInfo.InvariantCulture)}, {Literal(c.Offset)}, {SqlLiteral.Timestamp(now)})"))}
                    ON CONFLICT DO NOTHING RETURNING tag_hash
                    """;
                using var reader = cmd.ExecuteReader();
                while (reader.Read())
                {
                    var hash = reader.GetInt64(0);
                    winners[hash] = byHash[hash];
                }
            }
            foreach (var chunk in distinct.Where(c => !winners.ContainsKey(c.TagHash)).Chunk(IngestClaim.PerStatement))
            {
                cmd.CommandText = $"""
                    SELECT tag_hash, topic, "partition", "offset" FROM {IngestClaim.Table}
                    WHERE tag_hash IN ({string.Join(", ", chunk.Select(c => Literal(c.TagHash)))})
                    """;
                using var reader = cmd.ExecuteReader();
                while (reader.Read())
                {
                    winners[reader.GetInt64(0)] = new IngestClaim(reader.GetInt64(0), new TopicPartition(reader.GetString(1), reader.GetInt32(2)), reader.GetInt64(3));
                }
            }
            tx.Commit();
            return Task.FromResult<IReadOnlyDictionary<long, IngestClaim>>(winners);
        }, cleanup: null, ct).ConfigureAwait(false);
    }
}
