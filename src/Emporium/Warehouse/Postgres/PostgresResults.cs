using Npgsql;

namespace Emporium.Warehouse.Postgres;

/// <summary>Reads a PostgreSQL result into the API's tabular shape.</summary>
internal static class PostgresResults
{
    public static async Task<QueryResult> ReadAsync(NpgsqlCommand cmd, int maxRows, CancellationToken ct, long maxBytes = long.MaxValue)
    {
        await using var reader = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
        return await QueryResultReader.ReadAsync(reader, PostgresValues.Instance, maxRows, maxBytes, async: true, ct).ConfigureAwait(false);
    }
}
