using Emporium.Datasets;
using Emporium.Marts;
using Emporium.Tests.TestSupport;
using Emporium.Warehouse;
using Npgsql;
using NpgsqlTypes;

namespace Emporium.Tests.Marts;

/// <summary>The PostgreSQL rendering of every mart, run on a real PostgreSQL 15 over the same rows as the DuckDB
/// warehouse, gives the same result: one definition really serves both dialects.</summary>
public sealed class MartDialectsTests(SampleWarehouseFixture duck, PostgresServer postgres)
    : IClassFixture<SampleWarehouseFixture>, IClassFixture<PostgresServer>
{
    private static string PgType(ColumnType type) => type switch
    {
        ColumnType.Text => "text",
        ColumnType.Integer => "bigint",
        ColumnType.Double => "double precision",
        ColumnType.Boolean => "boolean",
        _ => "timestamp",
    };

    private static NpgsqlDbType PgDbType(ColumnType type) => type switch
    {
        ColumnType.Text => NpgsqlDbType.Text,
        ColumnType.Integer => NpgsqlDbType.Bigint,
        ColumnType.Double => NpgsqlDbType.Double,
        ColumnType.Boolean => NpgsqlDbType.Boolean,
        _ => NpgsqlDbType.Timestamp,
    };

    [Fact]
    public async Task Every_mart_gives_the_same_rows_on_postgresql_as_on_duckdb()
    {
        await using var pg = new NpgsqlConnection(await postgres.CreateDatabaseAsync("marts"));
        await pg.OpenAsync();
        foreach (var schema in DatasetCatalog.All)
        {
            var columns = schema.Columns;
            await using (var create = new NpgsqlCommand($"CREATE TABLE {schema.Name} ({string.Join(", ", columns.Select(c => $"{c.Name} {PgType(c.Type)}"))})", pg))
            {
                await create.ExecuteNonQueryAsync();
            }
            var rows = await duck.Harness.Warehouse.QueryAsync($"SELECT {string.Join(", ", columns.Select(c => c.Name))} FROM {schema.Name}", CancellationToken.None);
            Assert.NotEmpty(rows.Rows);
            await using var import = await pg.BeginBinaryImportAsync($"COPY {schema.Name} ({string.Join(", ", columns.Select(c => c.Name))}) FROM STDIN (FORMAT BINARY)");
            foreach (var row in rows.Rows)
            {
                await import.StartRowAsync();
                for (var i = 0; i < columns.Count; i++)
                {
                    if (row[i] is null)
                    {
                        await import.WriteNullAsync();
                    }
                    else
                    {
                        await import.WriteAsync(row[i], PgDbType(columns[i].Type));
                    }
                }
            }
            await import.CompleteAsync();
        }

        // The stream datasets' marts (others, such as the seller marts, read tables their own loaders create).
        foreach (var mart in MartCatalog.All.Where(m => m.DependsOn.All(d => DatasetCatalog.All.Any(s => s.Name == d))))
        {
            await using (var view = new NpgsqlCommand($"CREATE VIEW {mart.Name} AS {mart.ViewSql(SqlDialect.Postgres)}", pg))
            {
                await view.ExecuteNonQueryAsync();
            }
            var expected = (await duck.Harness.Warehouse.QueryAsync(mart.ReadSql(SqlDialect.DuckDb, MartService.MaxLimit), CancellationToken.None)).Rows;
            var actual = new List<object?[]>();
            await using (var read = new NpgsqlCommand(mart.ReadSql(SqlDialect.Postgres, MartService.MaxLimit), pg))
            await using (var reader = await read.ExecuteReaderAsync())
            {
                while (await reader.ReadAsync())
                {
                    var row = new object?[reader.FieldCount];
                    for (var i = 0; i < row.Length; i++)
                    {
                        row[i] = await reader.IsDBNullAsync(i) ? null : reader.GetValue(i);
                    }
                    actual.Add(row);
                }
            }
            Assert.True(expected.Count == actual.Count, $"{mart.Name}: {expected.Count} rows on DuckDB, {actual.Count} on PostgreSQL");
            for (var r = 0; r < expected.Count; r++)
            {
                for (var c = 0; c < mart.Columns.Count; c++)
                {
                    AssertSame(mart.Name, r, mart.Columns[c].Name, expected[r][c], actual[r][c]);
                }
            }
        }
    }

    private static void AssertSame(string mart, int row, string column, object? duckValue, object? pgValue)
    {
        var where = $"{mart} row {row} {column}: DuckDB {duckValue}, PostgreSQL {pgValue}";
        switch (duckValue, pgValue)
        {
            case (null, null):
                return;
            case (double d, double p):
                Assert.True(Math.Abs(d - p) <= 1e-6 * Math.Max(1, Math.Abs(d)), where);
                return;
            case (DateOnly d, DateTime p):
                Assert.True(d == DateOnly.FromDateTime(p), where);
                return;
            default:
                Assert.True(Equals(duckValue, pgValue), where);
                return;
        }
    }
}
