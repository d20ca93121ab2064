using Emporium.Batch.Formats;
using Emporium.Tests.TestSupport;
using static Emporium.Tests.Batch.BatchTestFiles;

namespace Emporium.Tests.Batch.Formats;

public sealed class ParquetReadTests
{
    /// <summary>Lists, structs, maps, fixed arrays and blobs reached the normalizer as .NET's name of their type
    /// ("System.Collections.Generic.List`1[System.String]"), which a text column then stored as the value.</summary>
    [Fact]
    public async Task Nested_and_binary_values_read_as_duckdb_prints_them_not_as_a_dotnet_type_name()
    {
        using var dir = new TempDir("batch");
        var path = dir.Combine("categories.parquet");
        const string columns = "id, category_name, tags, meta, attributes, code, pair, deep";
        Execute($$"""
            COPY (SELECT * FROM (VALUES
                (1, ['Beading', 'Jewelry'], ['a'], {'source': 'feed', 'rank': 2}, MAP {'k': 1}, 'ab'::BLOB, [1, 2]::INTEGER[2], [{'x': [1]}]),
                (2, ['Fabric'], [], {'source': NULL, 'rank': 3}, MAP {}::MAP(VARCHAR, INTEGER), '\x00\xFF'::BLOB, [3, 4]::INTEGER[2], []))
                t({{columns}})) TO {{Sql(path)}} (FORMAT parquet)
            """);

        var outcome = await ReadAllAsync(path);

        Assert.Equal(2, outcome.Rows.Count);
        var expected = ReadAsText(path, columns);
        for (var r = 0; r < 2; r++)
        {
            Assert.Equal(expected[r], columns.Split(", ").Select(c => outcome.Rows[r].Text(c)).ToArray());
        }
        Assert.Equal("[Beading, Jewelry]", outcome.Rows[0].Text("category_name"));
        Assert.DoesNotContain(outcome.Rows.SelectMany(r => r.Fields!.Values), v => v is not null && v.Contains("System."));
    }

    private static void Execute(string sql)
    {
        using var connection = new DuckDB.NET.Data.DuckDBConnection("Data Source=:memory:");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    /// <summary>Each value as DuckDB's own CAST to VARCHAR prints it, read on a connection of the test's own.</summary>
    private static List<string?[]> ReadAsText(string path, string columns)
    {
        using var connection = new DuckDB.NET.Data.DuckDBConnection("Data Source=:memory:");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {string.Join(", ", columns.Split(", ").Select(c => $"CAST({c} AS VARCHAR)"))} FROM read_parquet({Sql(path)}) ORDER BY id";
        using var reader = command.ExecuteReader();
        var rows = new List<string?[]>();
        while (reader.Read())
        {
            rows.Add(Enumerable.Range(0, reader.FieldCount).Select(i => reader.IsDBNull(i) ? null : reader.GetString(i)).ToArray());
        }
        return rows;
    }
}
