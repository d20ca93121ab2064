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

    [Fact]
    public async Task Merged_files_keep_every_row_in_order_and_match_columns_by_name()
    {
        using var dir = new TempDir("parquet-merge");
        using var writer = new ParquetWriter(dir.Combine("tmp"), threads: 1);
        ColumnSchema[] before = [new("asin", ColumnType.Text), new("price", ColumnType.Double)];
        ColumnSchema[] after = [new("asin", ColumnType.Text), new("price", ColumnType.Double), new("stars", ColumnType.Double)];
        var first = dir.Combine("a.parquet");
        var second = dir.Combine("b.parquet");
        await writer.WriteLocalAsync(first, before, Enumerable.Range(0, 300).Select(i => new object?[] { $"A{i:D4}", i * 1.5 }), CancellationToken.None);
        await writer.WriteLocalAsync(second, after, Enumerable.Range(300, 200).Select(i => new object?[] { $"A{i:D4}", i * 1.5, 4.5 }), CancellationToken.None);

        var rows = await writer.MergeLocalAsync([first, second], dir.Combine("merged.parquet"), CancellationToken.None);

        Assert.Equal(500, rows);
        using var duck = new DuckDBConnection("Data Source=:memory:");
        duck.Open();
        using var cmd = duck.CreateCommand();
        cmd.CommandText = $"SELECT asin, price, stars FROM read_parquet('{dir.Combine("merged.parquet")}')";
        using var reader = cmd.ExecuteReader();
        var read = new List<(string Asin, double Price, double? Stars)>();
        while (reader.Read())
        {
            read.Add((reader.GetString(0), reader.GetDouble(1), reader.IsDBNull(2) ? null : reader.GetDouble(2)));
        }
        Assert.Equal(Enumerable.Range(0, 500).Select(i => ($"A{i:D4}", i * 1.5, i < 300 ? (double?)null : 4.5)), read);
    }
}
