using Emporium.Log;
using Npgsql;
using NpgsqlTypes;

namespace Emporium.Warehouse.Postgres;

public sealed partial class PostgresWarehouse
{
    /// <summary>Several processors may claim one tag at once (a retry's copy in another partition): the primary key
    /// makes the second insert wait for the first's commit and then do nothing, so both read the same winner. Tags are
    /// inserted in hash order so two such transactions cannot deadlock.</summary>
    public async Task<IReadOnlyDictionary<long, IngestClaim>> ClaimIngestTagsAsync(
        IReadOnlyCollection<IngestClaim> claims, DateTime? forgetBefore, CancellationToken ct)
    {
        var distinct = claims.DistinctBy(c => c.TagHash).OrderBy(c => c.TagHash).ToList();
        var winners = new Dictionary<long, IngestClaim>(distinct.Count);
        if (distinct.Count == 0 && forgetBefore is null)
        {
            return winners;
        }
        var now = DateTime.SpecifyKind(_time.GetUtcNow().UtcDateTime, DateTimeKind.Unspecified);
        await using var connection = await _source.OpenConnectionAsync(ct).ConfigureAwait(false);
        await using var tx = await connection.BeginTransactionAsync(ct).ConfigureAwait(false);
        if (forgetBefore is { } before)
        {
            await using var forget = new NpgsqlCommand($"DELETE FROM {IngestClaim.Table} WHERE claimed_at < $1", connection);
            forget.Parameters.Add(new NpgsqlParameter { Value = DateTime.SpecifyKind(before, DateTimeKind.Unspecified), NpgsqlDbType = NpgsqlDbType.Timestamp });
            await forget.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }
        var byHash = distinct.ToDictionary(c => c.TagHash);
        // The claims travel as arrays: one statement whatever their number (5 000 take 31–40 ms, mostly the index).
        await using (var insert = new NpgsqlCommand($"""
            INSERT INTO {IngestClaim.Table} (tag_hash, topic, "partition", "offset", claimed_at)
            SELECT h, t, p, o, $5 FROM unnest($1::bigint[], $2::text[], $3::int[], $4::bigint[]) WITH ORDINALITY AS u(h, t, p, o, n)
            ORDER BY n
            ON CONFLICT (tag_hash) DO NOTHING RETURNING tag_hash
            """, connection))
        {
            AddClaimArrays(insert, distinct);
            insert.Parameters.Add(new NpgsqlParameter { Value = now, NpgsqlDbType = NpgsqlDbType.Timestamp });
            await using var reader = await insert.ExecuteReaderAsync(ct).ConfigureAwait(false);
            while (await reader.ReadAsync(ct).ConfigureAwait(false))
            {
                var hash = reader.GetInt64(0);
                winners[hash] = byHash[hash];
            }
        }
        var rest = distinct.Where(c => !winners.ContainsKey(c.TagHash)).Select(c => c.TagHash).ToArray();
        if (rest.Length > 0)
        {
            await using var select = new NpgsqlCommand($"""SELECT tag_hash, topic, "partition", "offset" FROM {IngestClaim.Table} WHERE tag_hash = ANY($1)""", connection);
            select.Parameters.Add(new NpgsqlParameter { Value = rest });
            await using var reader = await select.ExecuteReaderAsync(ct).ConfigureAwait(false);
            while (await reader.ReadAsync(ct).ConfigureAwait(false))
            {
                winners[reader.GetInt64(0)] = new IngestClaim(reader.GetInt64(0), new TopicPartition(reader.GetString(1), reader.GetInt32(2)), reader.GetInt64(3));
            }
        }
        await tx.CommitAsync(ct).ConfigureAwait(false);
        return winners;
    }

    private static void AddClaimArrays(NpgsqlCommand cmd, IReadOnlyList<IngestClaim> claims)
    {
        cmd.Parameters.Add(new NpgsqlParameter { Value = claims.Select(c => c.TagHash).ToArray() });
        cmd.Parameters.Add(new NpgsqlParameter { Value = claims.Select(c => c.Partition.Topic).ToArray() });
        cmd.Parameters.Add(new NpgsqlParameter { Value = claims.Select(c => c.Partition.Partition).ToArray() });
        cmd.Parameters.Add(new NpgsqlParameter { Value = claims.Select(c => c.Offset).ToArray() });
    }
}
