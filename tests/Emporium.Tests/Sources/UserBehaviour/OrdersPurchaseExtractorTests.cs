using Emporium.Datasets;
using Emporium.Lake.Local;
using Emporium.Log;
using Emporium.Sources.UserBehaviour;
using Emporium.Tests.TestSupport;
using Emporium.Warehouse;
using Emporium.Warehouse.DuckDb;
using Emporium.Warehouse.Postgres;

namespace Emporium.Tests.Sources.UserBehaviour;

/// <summary>The <c>user_purchase</c> stage file landed from the orders dataset lists the day's lines in the order's own
/// order (invoice, then stock code) by code point, so the file is byte for byte the same on DuckDB and on a PostgreSQL
/// database whose default collation is linguistic (ICU en-US puts <c>85049a</c> before <c>85049A</c>).</summary>
[Collection(PostgresCollection.Name)]
public sealed class OrdersPurchaseExtractorTests(PostgresServer server)
{
    /// <summary>Stock codes as the UCI orders write them: upper and lower case variants of one code, and a code with a space.</summary>
    private static readonly string[] StockCodes = ["85049A", "85049a", "BANK CHARGES", "15056bl", "15056BL", "B2", "_x"];

    [Fact]
    public async Task The_stage_file_lists_the_lines_by_code_point_on_both_warehouses()
    {
        using var dir = new TempDir("orders-extract");
        await using var duck = new DuckDbWarehouse(new DuckDbWarehouseOptions { Path = dir.Combine("w.duckdb") });
        await using var pg = new PostgresWarehouse(new PostgresWarehouseOptions { ConnectionString = await server.CreateDatabaseAsync("ordersextract", "en-US") });
        var batch = new WarehouseBatch(
            [NormalizedRows.Of(DatasetCatalog.Orders, "test:orders-extract", StockCodes.Select(code => NormalizedRows.Row(
                ("InvoiceNo", "536365"), ("StockCode", code), ("Description", "mug"), ("Quantity", "1"), ("InvoiceDate", "2010-12-01 08:26:00"),
                ("UnitPrice", "2.55"), ("CustomerID", "17850"), ("Country", "United Kingdom"))))],
            "orders-extract", new Dictionary<TopicPartition, long>());
        var files = new List<string>();
        foreach (var (name, warehouse) in new (string, IWarehouse)[] { ("duckdb", duck), ("postgres", pg) })
        {
            await warehouse.InitializeAsync(DatasetCatalog.All, CancellationToken.None);
            await warehouse.CommitAsync(batch, CancellationToken.None);
            var lake = new LocalLakeStore(dir.Combine($"lake-{name}"));

            var extract = await new OrdersPurchaseExtractor(warehouse, lake).ExtractAsync(new DateOnly(2010, 12, 1), CancellationToken.None);

            await using var stream = await lake.OpenReadAsync(extract.Path, CancellationToken.None);
            using var reader = new StreamReader(stream!);
            files.Add(await reader.ReadToEndAsync());
        }

        var codes = files[0].Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(line => line.Split(',')[1]).ToList();
        Assert.Equal(StockCodes.Order(StringComparer.Ordinal), codes);
        Assert.Equal(files[0], files[1]);
    }
}
