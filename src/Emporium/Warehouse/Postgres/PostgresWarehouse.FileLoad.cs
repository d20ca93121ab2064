using Emporium.Datasets;
using Emporium.Log;
using Npgsql;

namespace Emporium.Warehouse.Postgres;

public sealed partial class PostgresWarehouse : IFileLoadWarehouse
{
    /// <summary>One transaction on one connection for the whole file: each chunk goes through the same staged
    /// insert as a stream batch, inside it. PostgreSQL keeps a long transaction's rows on disk, so the file's size is
    /// bounded by the server's disk, not memory; the group's advisory lock is held throughout, so another load or
    /// processor of the group waits instead of interleaving its offsets.</summary>
    public async Task<IFileLoad> BeginFileLoadAsync(DatasetSchema schema, string group, string? replaceSource, CancellationToken ct)
    {
        var connection = await _source.OpenConnectionAsync(ct).ConfigureAwait(false);
        try
        {
            var tx = await connection.BeginTransactionAsync(ct).ConfigureAwait(false);
            await using (var lockCmd = new NpgsqlCommand("SELECT pg_advisory_xact_lock(hashtext($1))", connection))
            {
                lockCmd.Parameters.Add(new NpgsqlParameter { Value = "emporium:group:" + group });
                await lockCmd.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
            }
            if (replaceSource is not null)
            {
                await DeleteSourcesAsync(connection, schema, [replaceSource], ct).ConfigureAwait(false);
            }
            return new FileLoad(this, connection, tx, schema, group);
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private sealed class FileLoad(PostgresWarehouse owner, NpgsqlConnection connection, NpgsqlTransaction tx, DatasetSchema schema, string group) : IFileLoad
    {
        private readonly DateTime _loadedAt = DateTime.SpecifyKind(owner._time.GetUtcNow().UtcDateTime, DateTimeKind.Unspecified);

        /// <summary>Each write runs under a savepoint: a write the server refuses for its rows is undone alone and
        /// the file's transaction goes on with the writes before it, at two statements per write when nothing is
        /// refused.</summary>
        public async Task WriteAsync(DatasetRows rows, CancellationToken ct)
        {
            if (rows.Records.Count == 0)
            {
                return;
            }
            await ExecuteAsync(connection, "SAVEPOINT file_rows", ct).ConfigureAwait(false);
            try
            {
                await owner.WriteRowsAsync(connection, schema, [rows], _loadedAt, ct).ConfigureAwait(false);
            }
            catch (PostgresException e) when (IsRefusal(e))
            {
                await ExecuteAsync(connection, "ROLLBACK TO SAVEPOINT file_rows", ct).ConfigureAwait(false);
                throw Refused(e);
            }
            await ExecuteAsync(connection, "RELEASE SAVEPOINT file_rows", ct).ConfigureAwait(false);
        }

        public async Task CommitAsync(IReadOnlyDictionary<TopicPartition, long> offsets, CancellationToken ct)
        {
            owner.FaultInjection?.Invoke("rows");
            await WriteOffsetsAsync(connection, new WarehouseBatch([], group, offsets), _loadedAt, ct).ConfigureAwait(false);
            owner.FaultInjection?.Invoke("offsets");
            await tx.CommitAsync(ct).ConfigureAwait(false);
        }

        public async ValueTask DisposeAsync()
        {
            await tx.DisposeAsync().ConfigureAwait(false);
            await connection.DisposeAsync().ConfigureAwait(false);
        }
    }
}
