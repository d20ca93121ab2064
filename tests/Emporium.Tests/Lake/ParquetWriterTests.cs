using DuckDB.NET.Data;
using Emporium.Datasets;
using Emporium.Lake;
using Emporium.Lake.Local;
using Emporium.Tests.TestSupport;

namespace Emporium.Tests.Lake;

public sealed class ParquetWriterTests
{
    [Fact]
    public async Task Rows_written_to_the_lake_read_back_identically_with_duckdb()
    {
        using var dir = new TempDir("parquet");
        var lake = new LocalLakeStore(dir.Combine("lake"));
        using var writer = new ParquetWriter(dir.Combine("tmp"));
        var rows = Enumerable.Range(0, 2500).Select(i => new object?[]
        {
            $"A{i:D5}", i % 7 == 0 ? null : i * 1.25, (long)i, i % 2 == 0, new DateTime(2020, 1, 1, 0, 0, 0, DateTimeKind.Utc).AddMinutes(i),
        }).ToList();
        ColumnSchema[] columns =
        [
            new("asin", ColumnType.Text), new("price", ColumnType.Double), new("reviews", ColumnType.Integer),
            new("is_best_seller", ColumnType.Boolean), new("observed_at", ColumnType.Timestamp),
        ];

        var (count, bytes) = await writer.WriteAsync(lake, "clean/products/date=2020-01-01/p0-0-2499.parquet", columns, rows, CancellationToken.None);
        Assert.Equal(2500, count);
        Assert.Equal(new FileInfo(lake.Resolve("clean/products/date=2020-01-01/p0-0-2499.parquet")).Length, bytes);

        using var duck = new DuckDBConnection("Data Source=:memory:");
        duck.Open();
        using var cmd = duck.CreateCommand();
        cmd.CommandText = $"SELECT * FROM read_parquet('{lake.Resolve("clean/products/date=2020-01-01/p0-0-2499.parquet")}') ORDER BY asin";
        using var reader = cmd.ExecuteReader();
        var i = 0;
        while (reader.Read())
        {
            var expected = rows[i++];
            for (var c = 0; c < columns.Length; c++)
            {
                Assert.Equal(expected[c], reader.IsDBNull(c) ? null : reader.GetValue(c));
            }
        }
        Assert.Equal(2500, i);

        using var codec = duck.CreateCommand();
        codec.CommandText = $"SELECT DISTINCT compression FROM parquet_metadata('{lake.Resolve("clean/products/date=2020-01-01/p0-0-2499.parquet")}')";
        Assert.Equal("ZSTD", codec.ExecuteScalar());
        Assert.Empty(Directory.GetFiles(dir.Combine("tmp")));
    }
}
