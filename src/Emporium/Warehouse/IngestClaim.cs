using Emporium.Log;

namespace Emporium.Warehouse;

/// <summary>A log entry carrying an ingest tag (a record of a request sent with an Idempotency-Key), named by a 64-bit
/// hash of the tag. The warehouse keeps the first entry that claimed each tag, so a record appended twice (a retry that
/// reached another ingest process, a Kafka message the producer could not confirm) lands once.</summary>
/// <param name="TagHash">Hash of the tag (<c>Emporium.Processing.RetriedRecords.HashOf</c>).</param>
/// <param name="Partition">Where the entry is.</param>
/// <param name="Offset">Its offset there.</param>
public readonly record struct IngestClaim(long TagHash, TopicPartition Partition, long Offset)
{
    /// <summary>The warehouse table holding the claims (tag_hash, topic, partition, offset, claimed_at).</summary>
    public const string Table = "_emporium_ingest_claims";

    /// <summary>The table in a dialect. PostgreSQL keys the hash, so concurrent processors agree on a winner; DuckDB's
    /// has no key (its warehouse mirrors the claims instead, see <c>DuckDbWarehouse.ClaimIngestTagsAsync</c>).</summary>
    internal static string CreateTableSql(SqlDialect dialect) => $"""
        CREATE TABLE IF NOT EXISTS {Table} (
            tag_hash BIGINT {(dialect == SqlDialect.Postgres ? "PRIMARY KEY" : "NOT NULL")}, topic {(dialect == SqlDialect.Postgres ? "TEXT" : "VARCHAR")} NOT NULL,
            "partition" INTEGER NOT NULL, "offset" BIGINT NOT NULL, claimed_at TIMESTAMP NOT NULL)
        """;
}
