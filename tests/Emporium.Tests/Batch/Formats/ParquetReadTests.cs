using Emporium.Batch.Formats;
using Emporium.Datasets;
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

    /// <summary>Parquet types a warehouse export writes that CSV has no words for: each must reach the dataset as the
    /// value it holds, not as .NET's culture-less text of it (a DATE printed as <c>01/02/2024</c> is read day first by
    /// products' <c>observed_at</c>: the 1st of February).</summary>
    [Fact]
    public async Task Dates_decimals_instants_and_wide_integers_load_as_the_values_they_hold()
    {
        await using var h = await BatchHarness.StartAsync();
        var products = h.Combine("products.parquet");
        Execute($"""
            COPY (SELECT * FROM (VALUES
                ('B1', 'Lamp', 12.50::DECIMAL(10,2), DATE '2024-01-02', 4.5::FLOAT, 300::UBIGINT),
                ('B2', 'Mug', 1234567.89::DECIMAL(12,2), DATE '2024-03-25', 3.0::FLOAT, 5000000000::UBIGINT))
                t(asin, title, price, observed_at, stars, reviews)) TO {Sql(products)} (FORMAT parquet)
            """);
        var orders = h.Combine("orders.parquet");
        Execute($"""
            SET TimeZone = 'Europe/Berlin';
            COPY (SELECT * FROM (VALUES
                ('536365', '85123A', 6::HUGEINT, TIMESTAMPTZ '2010-12-01 08:26:00+02', 2.55::DECIMAL(8,3), 17850::UBIGINT, 'France'))
                t(InvoiceNo, StockCode, Quantity, InvoiceDate, UnitPrice, CustomerID, Country)) TO {Sql(orders)} (FORMAT parquet)
            """);

        var loaded = (await h.LoadAsync(DatasetCatalog.Products, products)).Files[0];
        var ordered = (await h.LoadAsync(DatasetCatalog.Orders, orders)).Files[0];

        Assert.True(loaded.RowsRejected == 0, string.Join("\n", loaded.Quarantine.SelectMany(q => File.ReadAllLines(h.LakeStore.Resolve(q)))));
        Assert.Equal(2L, loaded.RowsLoaded);
        Assert.True(ordered.RowsRejected == 0, string.Join("\n", ordered.Quarantine.SelectMany(q => File.ReadAllLines(h.LakeStore.Resolve(q)))));
        Assert.Equal(1L, ordered.RowsLoaded);
        var rows = await h.RowsAsync("SELECT asin, price, CAST(observed_at AS VARCHAR), stars FROM products ORDER BY asin");
        Assert.Equal(["B1", 12.5, "2024-01-02 00:00:00", 4.5], rows[0]);
        Assert.Equal(["B2", 1234567.89, "2024-03-25 00:00:00", 3.0], rows[1]);
        var order = (await h.RowsAsync("SELECT quantity, CAST(invoice_date AS VARCHAR), unit_price, customer_id, country FROM orders"))[0];
        Assert.Equal([6L, "2010-12-01 06:26:00", 2.55, 17850L, "france"], order);
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
