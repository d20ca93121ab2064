using System.Text.Json;
using Emporium.Batch.Loading;
using Emporium.Datasets;
using Emporium.Lake;
using Emporium.Lake.Local;
using Emporium.Tests.TestSupport;
using Emporium.Warehouse;
using Emporium.Warehouse.Postgres;

namespace Emporium.Tests.Batch.Loading;

/// <summary>Rows of a file that PostgreSQL refuses (a CHECK constraint an operator added, SQLSTATE 23514; a key too
/// long for the primary key's index, 54000) failed the whole file and lost its good rows. Now each refused row is
/// quarantined with the warehouse's reason and its row number, and the others load once.</summary>
[Collection(PostgresCollection.Name)]
public sealed class BatchLoaderPostgresRefusalTests(PostgresServer server)
{
    private const string Header = "asin,title,imgUrl,productURL,stars,reviews,price,listPrice,category_id,isBestSeller,boughtInLastMonth";

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Rows_postgres_refuses_are_quarantined_and_the_rest_of_the_file_loads_once(bool oneTransactionPerFile)
    {
        using var dir = new TempDir("batch-pg-refused");
        await using var warehouse = new PostgresWarehouse(new PostgresWarehouseOptions { ConnectionString = await server.CreateDatabaseAsync("refused") });
        await warehouse.InitializeAsync(LoadSpec.Loadable, CancellationToken.None);
        await warehouse.ExecuteAsync("ALTER TABLE products ADD CONSTRAINT price_cap CHECK (price < 5000)", CancellationToken.None);
        var lake = new LocalLakeStore(dir.Combine("lake"));
        using var parquet = new ParquetWriter(dir.Combine("tmp"));
        var loader = new BatchLoader(warehouse, lake, parquet, RecordNormalizer.Instance, TimeProvider.System,
            new BatchLoaderOptions { ChunkRows = 500, OneTransactionPerFile = oneTransactionPerFile });

        // The real asaniczka products (1 166 rows, the highest price 1 495), with two rows PostgreSQL refuses in
        // different chunks of 500: a 6 000-character ASIN (its index entry exceeds a btree page's third) and a price
        // over the operator's cap. Both pass Emporium's own rules.
        var real = File.ReadAllLines(SampleData.ProductsCsv);
        Assert.Equal(Header, real[0]);
        var random = new Random(11);
        var longAsin = new string(Enumerable.Range(0, 6_000).Select(_ => (char)random.Next('A', 'Z' + 1)).ToArray());
        var rows = real.Skip(1).ToList();
        rows.Insert(99, Product(longAsin, 129.99));
        rows.Insert(699, Product("B0PRICECAP", 9_999.0));
        var file = dir.Combine("products.csv");
        File.WriteAllLines(file, [Header, .. rows]);

        var result = await LoadAsync(loader, file);

        Assert.Null(result.Error);
        Assert.Equal(FileLoadStatus.Loaded, result.Status);
        Assert.Equal((1_168L, 1_166L, 2L), (result.RowsRead, result.RowsLoaded, result.RowsRejected));
        Assert.Equal(1_166L, await CountAsync(warehouse, "SELECT count(*) FROM products"));
        Assert.Equal(0L, await CountAsync(warehouse, $"SELECT count(*) FROM products WHERE asin IN ('B0PRICECAP', '{longAsin}')"));
        var entries = new List<JsonElement>();
        foreach (var path in result.Quarantine)
        {
            entries.AddRange(File.ReadAllLines(lake.Resolve(path)).Select(l => JsonDocument.Parse(l).RootElement));
        }
        var byRecord = entries.ToDictionary(e => e.GetProperty("record").GetInt64());
        Assert.Equal([100L, 700L], byRecord.Keys.Order());
        Assert.Equal(101L, byRecord[100].GetProperty("line").GetInt64());
        // The long key is the rules' now (as on every warehouse), no longer PostgreSQL's to refuse.
        Assert.Equal("asin: a key may have at most 1024 bytes of UTF-8, this one has 6000", byRecord[100].GetProperty("reason").GetString());
        Assert.Equal("the warehouse refused the row: new row for relation \"products\" violates check constraint \"price_cap\"",
            byRecord[700].GetProperty("reason").GetString());
        Assert.Equal(701L, byRecord[700].GetProperty("line").GetInt64());
        Assert.Contains("B0PRICECAP", byRecord[700].GetProperty("raw").GetString(), StringComparison.Ordinal);
        Assert.All(entries, e => Assert.Equal("products.csv", e.GetProperty("file").GetString()));
        // The clean zone holds what the warehouse holds: a row is either clean or quarantined.
        var clean = await new LakeManifestStore(lake).VisibleFilesAsync("products", LakeLayout.Clean, CancellationToken.None);
        Assert.Equal(1_166L, Convert.ToInt64((await LakeParquet.QueryAsync(lake, clean, "count(*)"))[0][0], System.Globalization.CultureInfo.InvariantCulture));

        var again = await LoadAsync(loader, file);

        Assert.Equal(FileLoadStatus.Skipped, again.Status);
        Assert.Equal(1_166L, await CountAsync(warehouse, "SELECT count(*) FROM products"));
    }

    /// <summary>--strict loads nothing from a file with a bad row: a row the warehouse refuses is found only while
    /// loading, and then rolls the file's transaction back.</summary>
    [Fact]
    public async Task Under_strict_a_row_postgres_refuses_rejects_the_file_and_nothing_loads()
    {
        using var dir = new TempDir("batch-pg-refused-strict");
        await using var warehouse = new PostgresWarehouse(new PostgresWarehouseOptions { ConnectionString = await server.CreateDatabaseAsync("refused") });
        await warehouse.InitializeAsync(LoadSpec.Loadable, CancellationToken.None);
        await warehouse.ExecuteAsync("ALTER TABLE products ADD CONSTRAINT price_cap CHECK (price < 5000)", CancellationToken.None);
        var lake = new LocalLakeStore(dir.Combine("lake"));
        using var parquet = new ParquetWriter(dir.Combine("tmp"));
        var loader = new BatchLoader(warehouse, lake, parquet, RecordNormalizer.Instance, TimeProvider.System, new BatchLoaderOptions { ChunkRows = 2 });
        var file = dir.Combine("products.csv");
        File.WriteAllLines(file, [Header, Product("B01", 10), Product("B02", 20), Product("B0PRICECAP", 9_999), Product("B04", 40)]);

        var result = (await loader.LoadAsync([file], new BatchLoadRequest(DatasetCatalog.Products, Strict: true), null, CancellationToken.None)).Files.Single();

        Assert.Equal((FileLoadStatus.Rejected, "--strict: 1 row(s) refused by the warehouse, nothing loaded"), (result.Status, result.Error));
        Assert.Equal(0L, await CountAsync(warehouse, "SELECT count(*) FROM products"));
        var entry = JsonDocument.Parse(File.ReadAllLines(lake.Resolve(Assert.Single(result.Quarantine)))[0]).RootElement;
        Assert.Equal(3L, entry.GetProperty("record").GetInt64());
        Assert.StartsWith("the warehouse refused the row: ", entry.GetProperty("reason").GetString(), StringComparison.Ordinal);
    }

    private static async Task<FileLoadResult> LoadAsync(BatchLoader loader, string file) =>
        (await loader.LoadAsync([file], new BatchLoadRequest(DatasetCatalog.Products), null, CancellationToken.None)).Files.Single();

    private static string Product(string asin, double price) =>
        $"{asin},\"Sion Softside Expandable Roller Luggage, Black, Checked-Large 29-Inch\",https://m.media-amazon.com/images/I/815dLQKYIYL._AC_UL320_.jpg," +
        $"https://www.amazon.com/dp/{asin},4.5,0,{price.ToString(System.Globalization.CultureInfo.InvariantCulture)},0.0,104,False,2000";

    private static async Task<long> CountAsync(PostgresWarehouse warehouse, string sql) =>
        WarehouseValues.Long((await warehouse.QueryAsync(sql, CancellationToken.None)).Rows[0][0]);
}
