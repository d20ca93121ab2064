using System.Globalization;
using System.Text.Json;
using DuckDB.NET.Data;
using Emporium.Batch.Loading;
using Emporium.Datasets;
using Emporium.Tests.TestSupport;

namespace Emporium.Tests.Batch.Loading;

/// <summary>The DuckDB <c>read_csv</c> bulk path must load exactly what the streaming readers load: the same warehouse
/// rows, the same clean Parquet, the same rejects at the same records and lines.</summary>
public sealed class DuckDbBulkLoadTests
{
    public static TheoryData<string, string> RealSamples => new()
    {
        { "products", "amazon-products-asaniczka/amazon_products_small.csv" },
        { "categories", "amazon-products-asaniczka/amazon_categories.csv" },
        { "orders", "uci-online-retail-sample/online_retail_sample.csv" },
        { "orders", "sde-user-purchase/temp_filtered_user_purchase.csv" },
    };

    [Theory]
    [MemberData(nameof(RealSamples))]
    public async Task RealSampleLoadsTheSameRowsThroughBothPaths(string dataset, string sample)
    {
        var parts = sample.Split('/');
        var (bulk, streamed) = await LoadBothAsync(DatasetCatalog.Find(dataset)!, SampleData.Path(parts[0], parts[1]));
        await using (bulk.Harness)
        await using (streamed.Harness)
        {
            Assert.True(bulk.File.Bulk);
            Assert.False(streamed.File.Bulk);
            Assert.True(bulk.File.RowsLoaded > 100);
            await AssertSameAsync(dataset, bulk, streamed);
        }
    }

    [Theory]
    [MemberData(nameof(RealSamples))]
    public async Task RealSampleAsParquetLoadsTheSameRowsThroughBothPaths(string dataset, string sample)
    {
        // The sample as DuckDB types it (numbers, booleans, timestamps), written to Parquet by DuckDB.
        var parts = sample.Split('/');
        using var dir = new TempDir("bulkparquet");
        var path = dir.Combine(Path.ChangeExtension(parts[1], ".parquet"));
        using (var db = new DuckDBConnection("Data Source=:memory:"))
        {
            db.Open();
            using var copy = db.CreateCommand();
            copy.CommandText = $"COPY (SELECT * FROM read_csv('{SampleData.Path(parts[0], parts[1])}')) TO '{path}' (FORMAT parquet)";
            copy.ExecuteNonQuery();
        }
        var (bulk, streamed) = await LoadBothAsync(DatasetCatalog.Find(dataset)!, path);
        await using (bulk.Harness)
        await using (streamed.Harness)
        {
            Assert.True(bulk.File.Bulk);
            Assert.True(bulk.File.RowsLoaded > 100);
            Assert.Equal(streamed.File.RowsRejected, bulk.File.RowsRejected);
            await AssertSameAsync(dataset, bulk, streamed);
        }
    }

    [Fact]
    public async Task MessyValuesGoThroughTheNormalizerAndRejectTheSameRows()
    {
        using var dir = new TempDir("bulkcsv");
        var path = dir.Combine("messy_products.csv");
        // Clean rows, rows only .NET can clean (currency, approximate counts, padding, NBSP, slash dates, "yes", odd numbers),
        // rows the rules reject (range, missing asin, bad number), a ragged row and a quoted multi-line title.
        File.WriteAllText(path, string.Join("\n",
            "asin,title,imgUrl,productURL,stars,reviews,price,listPrice,category_id,isBestSeller,boughtInLastMonth,date",
            "A1,Plain,https://i/1,https://p/1,4.5,10,19.99,0.0,104,False,2000,2023-12-31 00:00:00",
            "A2,\"  Padded title \",https://i/2,https://p/2,4,3,\"$1,234.50\",$9.99,104,yes,1K+ bought in past month,31/12/2023 08:00",
            "A3,\u00a0NBSP title,,,5.0,0,0,,,TRUE,,",
            "A4,Too many stars,,,7,1,1,,,False,,",
            ",No asin,,,4,1,1,,,False,,",
            "A5,Ragged,row",
            "A6,\"Two\nlines\",,,3.5,2,abc,,,False,,",
            "A7,\"Two\nlines again\",,,3.5,2,12,,,N/A,None,2024-01-02T03:04:05.25Z",
            "A1,Plain again (latest wins),https://i/1,https://p/1,4.5,11,18.99,20,104,true,50+,2023-12-31T10:00:00Z",
            "A8,Negative price,,,1,1,-1,,,False,,",
            "A9,  ,,,1,1,1,,,f,-0,2023-02-30 00:00:00",
            // Numbers DuckDB's casts read but whose shape SQL leaves to the normalizer.
            "B1,Exponent,,,1e0,1,1,,,False,,",
            "B2,Underscore,,,1,1_000,1,,,False,,",
            "B3,Signs,,,1,1,+5,,,False,-,",
            "B4,Dotted count,,,1,17850.0,1,,,False,1.5,",
            // Ends the SQL check leaves to .NET (a trailing NBSP, a last letter outside ASCII, a line break: the end-anchored
            // regexp must not match before it), and a dotted count out of range.
            "C1,Trailing NBSP\u00a0,,,1,1,1,,,False,,",
            "C2,Ends in caf\u00e9,,,1,1,1,,,False,,",
            "C4,\"Ends in a line break\n\",,,1,1,1,,,False,,",
            "C3,Negative dotted count,,,1,-3.0,1,,,False,,",
            ""));
        var (bulk, streamed) = await LoadBothAsync(DatasetCatalog.Products, path);
        await using (bulk.Harness)
        await using (streamed.Harness)
        {
            Assert.True(bulk.File.Bulk);
            Assert.Equal(streamed.File.RowsRead, bulk.File.RowsRead);
            Assert.Equal(streamed.File.RowsLoaded, bulk.File.RowsLoaded);
            Assert.Equal(streamed.File.RowsRejected, bulk.File.RowsRejected);
            Assert.True(bulk.File.RowsRejected >= 5);
            await AssertSameAsync("products", bulk, streamed);

            var bulkRejects = Rejects(bulk);
            var streamedRejects = Rejects(streamed);
            // Rows the rules reject have the normalizer's own reasons, and the ragged row the shared reader's on both paths
            // (the bulk path gave DuckDB's "too few fields: Expected Number of Columns: …").
            Assert.Equal(streamedRejects.Select(r => (r.Record, r.Line, r.Column, r.Reason)), bulkRejects.Select(r => (r.Record, r.Line, r.Column, r.Reason)));
            Assert.Contains(bulkRejects, r => r.Line == 7 && r.Reason.StartsWith("row has ", StringComparison.Ordinal) && r.Reason.EndsWith(" fields, the header has 12", StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task AFileOfSeveralRowGroupsKeepsFileOrderForOrdinalsLinesAndLatestWins()
    {
        // DuckDB reads a large file on several threads; the bulk path numbers rows by their place in the staged table,
        // so this checks the numbering against the streaming reader's across row groups (122,880 rows each).
        using var dir = new TempDir("bulkcsv");
        var path = dir.Combine("many_products.csv");
        const int rows = 260_000;
        using (var writer = new StreamWriter(path))
        {
            // A boolean column too: its check once made DuckDB's plan reorder the rows (see SqlValueRules).
            writer.Write("asin,title,price,stars,observed_at,isBestSeller\n");
            for (var i = 0; i < rows; i++)
            {
                var line = i switch
                {
                    2 => "R2,ragged row",
                    150_000 => $"B{i:D9},Needs the normalizer,\"$1,234.50\",4.5,2024-01-01 10:00:00,True",
                    200_000 => $"B{i:D9},Out of range,3.00,9,2024-01-01 10:00:00,False",
                    259_990 => "B000000010,Latest wins,7.77,3.5,2024-03-01 00:00:00,False",
                    _ => $"B{i:D9},Item {i},{i % 500}.99,{i % 50 / 10.0:0.0},2024-0{1 + i % 3}-0{1 + i % 7} 12:00:00,{i % 2 == 0}",
                };
                writer.Write(line);
                writer.Write('\n');
            }
        }
        var (bulk, streamed) = await LoadBothAsync(DatasetCatalog.Products, path);
        await using (bulk.Harness)
        await using (streamed.Harness)
        {
            Assert.True(bulk.File.Bulk);
            // The ragged and the out-of-range rows are rejected; B000000010's first row gives way to its latest.
            Assert.Equal((rows - 3L, 1L, 2L), (bulk.File.RowsLoaded, bulk.File.RowsDuplicateKey, bulk.File.RowsRejected));
            await AssertSameAsync("products", bulk, streamed);
            Assert.Equal(Rejects(streamed).Select(r => (r.Record, r.Line, r.Column)), Rejects(bulk).Select(r => (r.Record, r.Line, r.Column)));
            Assert.Equal([(3L, 4L), (200_001L, 200_002L)], Rejects(bulk).Select(r => (r.Record, r.Line)));
            Assert.Equal("Latest wins", (await bulk.Harness.RowsAsync("SELECT title FROM products WHERE asin = 'B000000010'"))[0][0]);
        }
    }

    [Fact]
    public async Task AnAppendedDatasetKeepsFileOrderWithoutASort()
    {
        // Orders are appended, in file order. With no row for the normalizer the staged rows scan in that order, so the
        // insert has no ORDER BY: this checks the order across row groups read on several threads.
        using var dir = new TempDir("bulkorders");
        var path = dir.Combine("orders.csv");
        const int rows = 260_000;
        using (var writer = new StreamWriter(path))
        {
            writer.Write("InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country\n");
            for (var i = 0; i < rows; i++)
            {
                writer.Write($"{i:D7},S{i % 100},Item {i},{1 + i % 5},2024-01-0{1 + i % 7} 10:00:00,{i % 50}.25,{i % 900},United Kingdom\n");
            }
        }
        await using var h = await BatchHarness.StartAsync(new BatchLoaderOptions { Bulk = true });
        var file = (await h.LoadAsync(DatasetCatalog.Orders, path)).Files[0];

        Assert.True(file.Bulk);
        Assert.Equal(rows, file.RowsLoaded);
        var stored = await h.RowsAsync("SELECT invoice_no FROM orders ORDER BY rowid");
        Assert.Equal(Enumerable.Range(0, rows).Select(i => $"{i:D7}"), stored.Select(r => (string)r[0]!));
    }

    [Fact]
    public async Task AParquetFileLoadsThroughReadParquetWithTheSameRowsAndRejects()
    {
        // A typed Parquet file written by DuckDB from the real products sample (several row groups, an instant per row
        // spread over 40 days), with rows the rules reject and one only the normalizer cleans appended after it.
        using var dir = new TempDir("bulkparquet");
        var path = dir.Combine("products.parquet");
        using (var db = new DuckDBConnection("Data Source=:memory:"))
        {
            db.Open();
            using var copy = db.CreateCommand();
            copy.CommandText = $"""
                COPY (SELECT *, TIMESTAMPTZ '2024-01-01 08:00:00.25+00' + to_days(coalesce(length(title), 0) % 40) AS observed_at
                      FROM (SELECT * FROM read_csv('{SampleData.ProductsCsv}')
                      UNION ALL SELECT 'BSTARS0001', 'Too many stars', NULL, NULL, 7.0, 1, 1.0, NULL, 104, false, NULL
                      UNION ALL SELECT NULL, 'No asin', NULL, NULL, 4.0, 1, 1.0, NULL, 104, false, NULL
                      UNION ALL SELECT 'BPADDED001', '  Padded title ', NULL, NULL, 5.0, 2, 3.5, 0.0, 104, true, 50
                      UNION ALL SELECT 'BNEGPRICE1', 'Negative price', NULL, NULL, 1.0, 1, -1.0, NULL, 104, false, NULL))
                TO '{path}' (FORMAT parquet, ROW_GROUP_SIZE 500)
                """;
            copy.ExecuteNonQuery();
        }
        var (bulk, streamed) = await LoadBothAsync(DatasetCatalog.Products, path);
        await using (bulk.Harness)
        await using (streamed.Harness)
        {
            Assert.True(bulk.File.Bulk);
            Assert.False(streamed.File.Bulk);
            await AssertSameAsync("products", bulk, streamed);

            // Independently of both paths: the asins of the sample's rows within the rules, and the appended bad rows
            // quarantined at their place (rows 1, 2 and 4 after the sample's; a Parquet row has no line).
            var sample = await bulk.Harness.RowsAsync($"""
                SELECT count(*), count(DISTINCT asin) FILTER (WHERE stars BETWEEN 0 AND 5 AND coalesce(price, 0) >= 0)
                FROM read_csv('{SampleData.ProductsCsv}')
                """);
            var sampleRows = (long)sample[0][0]!;
            var asins = await bulk.Harness.RowsAsync("SELECT count(*), count(DISTINCT asin) FROM products");
            Assert.Equal((long)sample[0][1]! + 1, (long)asins[0][1]!); // + the padded row
            Assert.Equal(asins[0][0], asins[0][1]);
            Assert.Equal("Padded title", (await bulk.Harness.RowsAsync("SELECT title FROM products WHERE asin = 'BPADDED001'"))[0][0]);
            Assert.Equal([new DateTime(2024, 1, 1, 8, 0, 0, 250), new DateTime(2024, 2, 9, 8, 0, 0, 250)],
                (await bulk.Harness.RowsAsync("SELECT min(observed_at), max(observed_at) FROM products"))[0]);
            var rejects = Rejects(bulk);
            Assert.Equal([(sampleRows + 1, 0L, "stars"), (sampleRows + 2, 0L, "asin"), (sampleRows + 4, 0L, "price")],
                rejects.Select(r => (r.Record, r.Line, r.Column)));
            Assert.All(rejects, r => Assert.Equal("products.parquet", r.File));
            Assert.Equal(Rejects(streamed).Select(r => (r.Record, r.Line, r.Column, r.Reason)), rejects.Select(r => (r.Record, r.Line, r.Column, r.Reason)));
        }
    }

    [Fact]
    public async Task AnUnterminatedQuoteLeavesTheFileToTheStreamingReader()
    {
        using var dir = new TempDir("bulkcsv");
        var path = dir.Combine("broken_categories.csv");
        File.WriteAllText(path, "id,category_name\n1,Beading\n2,\"Fabric\n3,Crafts\n");
        await using var h = await BatchHarness.StartAsync();

        var file = (await h.LoadAsync(DatasetCatalog.Categories, path)).Files[0];

        Assert.False(file.Bulk);
        Assert.Equal(FileLoadStatus.Failed, file.Status);
        Assert.Equal([1L], (await h.RowsAsync("SELECT id FROM categories")).Select(r => (long)r[0]!));
    }

    private sealed record Loaded(BatchHarness Harness, FileLoadResult File);

    private static async Task<(Loaded Bulk, Loaded Streamed)> LoadBothAsync(DatasetSchema dataset, string path)
    {
        var bulk = await BatchHarness.StartAsync(new BatchLoaderOptions { Bulk = true });
        var streamed = await BatchHarness.StartAsync(new BatchLoaderOptions { Bulk = false });
        var b = (await bulk.LoadAsync(dataset, path)).Files[0];
        var s = (await streamed.LoadAsync(dataset, path)).Files[0];
        Assert.Equal(FileLoadStatus.Loaded, b.Status);
        Assert.Equal(FileLoadStatus.Loaded, s.Status);
        return (new Loaded(bulk, b), new Loaded(streamed, s));
    }

    private static async Task AssertSameAsync(string dataset, Loaded bulk, Loaded streamed)
    {
        var table = $"SELECT * EXCLUDE (_loaded_at) FROM {dataset} ORDER BY ALL";
        var expected = await streamed.Harness.RowsAsync(table);
        var actual = await bulk.Harness.RowsAsync(table);
        Assert.Equal(expected.Count, actual.Count);
        Assert.Equal(expected.Select(Show), actual.Select(Show));

        var cleanExpected = await CleanAsync(streamed.Harness, dataset);
        var cleanActual = await CleanAsync(bulk.Harness, dataset);
        // The streaming path writes a file per chunk; the same folders must hold the same rows.
        Assert.Equal(cleanExpected.Files.Distinct(), cleanActual.Files.Distinct());
        Assert.Equal(cleanExpected.Rows.Select(Show), cleanActual.Rows.Select(Show));
    }

    private static async Task<(List<string> Files, List<object?[]> Rows)> CleanAsync(BatchHarness h, string dataset)
    {
        var files = (await h.VisibleAsync(dataset, "clean")).Order(StringComparer.Ordinal).ToList();
        var list = string.Join(", ", files.Select(f => $"'{h.LakeStore.Resolve(f)}'"));
        var rows = files.Count == 0 ? [] : await h.RowsAsync($"SELECT * FROM read_parquet([{list}]) ORDER BY ALL");
        return (files.Select(f => f.Replace(f.Split('/')[^1], "", StringComparison.Ordinal)).ToList(), rows);
    }

    private static List<QuarantineEntry> Rejects(Loaded loaded) =>
        loaded.File.Quarantine
            .SelectMany(q => File.ReadAllLines(loaded.Harness.LakeStore.Resolve(q)))
            .Select(l => JsonSerializer.Deserialize<QuarantineEntry>(l, new JsonSerializerOptions(JsonSerializerDefaults.Web))!)
            .OrderBy(r => r.Record)
            .ToList();

    private static string Show(object?[] row) =>
        string.Join(" | ", row.Select(v => v switch
        {
            null => "NULL",
            double d => d.ToString("R", CultureInfo.InvariantCulture),
            IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
            _ => v.ToString(),
        }));
}
