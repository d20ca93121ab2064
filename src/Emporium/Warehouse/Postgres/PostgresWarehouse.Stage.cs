using System.Text;
using Emporium.Datasets;
using Npgsql;
using NpgsqlTypes;
using static Emporium.Warehouse.Postgres.PostgresSql;

namespace Emporium.Warehouse.Postgres;

public sealed partial class PostgresWarehouse
{
    /// <summary>Most rows one <see cref="PostgresLoadMethod.MultiRowInsert"/> statement carries.</summary>
    public const int InsertRowsPerStatement = 1_000;

    /// <summary>PostgreSQL's limit of bind parameters in one statement.</summary>
    private const int MaxParameters = 65_535;

    /// <summary>Fills the staging table with the batch's rows (the dataset's columns, then <c>_source</c>,
    /// <c>_loaded_at</c>, <c>_seq</c>) by the configured method. Every method sends the same converted values, so
    /// the target tables cannot tell them apart.</summary>
    private static async Task FillStageAsync(NpgsqlConnection connection, PostgresLoadMethod method, string stage, IReadOnlyList<string> columns,
        DatasetSchema schema, IReadOnlyList<DatasetRows> parts, DateTime loadedAt, CancellationToken ct)
    {
        var dbTypes = schema.Columns.Select(c => DbTypeOf(c.Type))
            .Append(NpgsqlDbType.Text).Append(NpgsqlDbType.Timestamp).Append(NpgsqlDbType.Bigint).ToArray();
        var target = $"{stage} ({string.Join(", ", columns)})";
        var rows = StageRows(schema, parts, loadedAt);
        switch (method)
        {
            case PostgresLoadMethod.BinaryCopy:
                await CopyAsync(connection, target, dbTypes, rows, ct).ConfigureAwait(false);
                break;
            case PostgresLoadMethod.MultiRowInsert:
                await InsertManyAsync(connection, target, dbTypes, rows, ct).ConfigureAwait(false);
                break;
            case PostgresLoadMethod.SingleRowInsert:
                await InsertEachAsync(connection, target, dbTypes, rows, ct).ConfigureAwait(false);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(method), method, null);
        }
    }

    private static IEnumerable<object?[]> StageRows(DatasetSchema schema, IReadOnlyList<DatasetRows> parts, DateTime loadedAt)
    {
        var types = schema.Columns.Select(c => c.Type).ToArray();
        long seq = 0;
        foreach (var part in parts)
        {
            foreach (var record in part.Records)
            {
                var row = new object?[types.Length + 3];
                for (var i = 0; i < types.Length; i++)
                {
                    row[i] = record.Values[i] is { } value ? ValueFor(types[i], value) : null;
                }
                row[^3] = part.Source;
                row[^2] = loadedAt;
                row[^1] = seq++;
                yield return row;
            }
        }
    }

    private static async Task CopyAsync(NpgsqlConnection connection, string target, NpgsqlDbType[] dbTypes, IEnumerable<object?[]> rows, CancellationToken ct)
    {
        await using var writer = await connection.BeginBinaryImportAsync($"COPY {target} FROM STDIN (FORMAT BINARY)", ct).ConfigureAwait(false);
        foreach (var row in rows)
        {
            await writer.StartRowAsync(ct).ConfigureAwait(false);
            for (var i = 0; i < row.Length; i++)
            {
                if (row[i] is { } value)
                {
                    await writer.WriteAsync(value, dbTypes[i], ct).ConfigureAwait(false);
                }
                else
                {
                    await writer.WriteNullAsync(ct).ConfigureAwait(false);
                }
            }
        }
        await writer.CompleteAsync(ct).ConfigureAwait(false);
    }

    private static async Task InsertManyAsync(NpgsqlConnection connection, string target, NpgsqlDbType[] dbTypes, IEnumerable<object?[]> rows, CancellationToken ct)
    {
        var perStatement = Math.Clamp(MaxParameters / dbTypes.Length, 1, InsertRowsPerStatement);
        foreach (var chunk in rows.Chunk(perStatement))
        {
            await using var cmd = new NpgsqlCommand { Connection = connection };
            var sql = new StringBuilder("INSERT INTO ").Append(target).Append(" VALUES ");
            for (var r = 0; r < chunk.Length; r++)
            {
                sql.Append(r == 0 ? "(" : ", (");
                for (var i = 0; i < dbTypes.Length; i++)
                {
                    sql.Append(i == 0 ? "$" : ", $").Append(cmd.Parameters.Count + 1);
                    cmd.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = dbTypes[i], Value = chunk[r][i] ?? DBNull.Value });
                }
                sql.Append(')');
            }
            cmd.CommandText = sql.ToString();
            await cmd.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }
    }

    private static async Task InsertEachAsync(NpgsqlConnection connection, string target, NpgsqlDbType[] dbTypes, IEnumerable<object?[]> rows, CancellationToken ct)
    {
        var placeholders = string.Join(", ", Enumerable.Range(1, dbTypes.Length).Select(i => "$" + i));
        await using var cmd = new NpgsqlCommand($"INSERT INTO {target} VALUES ({placeholders})", connection);
        foreach (var type in dbTypes)
        {
            cmd.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = type });
        }
        var prepared = false;
        foreach (var row in rows)
        {
            if (!prepared)
            {
                // Prepared once per stage: each row then costs a bind + execute round trip, not a parse.
                await cmd.PrepareAsync(ct).ConfigureAwait(false);
                prepared = true;
            }
            for (var i = 0; i < row.Length; i++)
            {
                cmd.Parameters[i].Value = row[i] ?? DBNull.Value;
            }
            await cmd.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }
    }
}
