using Emporium.Cli.Web;
using Emporium.Datasets;
using Emporium.Log;
using Emporium.Tests.TestSupport;
using Emporium.Warehouse;
using Emporium.Warehouse.DuckDb;
using Emporium.Warehouse.Postgres;

namespace Emporium.Tests.Cli.Web;

/// <summary>The demo seller offers the first products of the catalog by ASIN, the same ones in the same order on
/// DuckDB and on a PostgreSQL database whose default collation is linguistic (ICU en-US sorts <c>b-1</c> before
/// <c>B2</c>): ASINs compare by code point on both.</summary>
[Collection(PostgresCollection.Name)]
public sealed class DemoEndpointsTests(PostgresServer server)
{
    private static readonly string[] Asins = ["B2", "_x", "a 3", "b-1", "85123A", "85123a", "éclair", "f-1", "Zed", "zed"];

    [Fact]
    public async Task The_demo_sellers_products_are_the_first_asins_by_code_point_on_both_warehouses()
    {
        using var dir = new TempDir("demo-products");
        await using var duck = new DuckDbWarehouse(new DuckDbWarehouseOptions { Path = dir.Combine("w.duckdb") });
        await using var pg = new PostgresWarehouse(new PostgresWarehouseOptions { ConnectionString = await server.CreateDatabaseAsync("demoproducts", "en-US") });
        var batch = new WarehouseBatch(
            [NormalizedRows.Of(DatasetCatalog.Products, "test:demo-products", Asins.Select(a => NormalizedRows.Row(("asin", a), ("title", a), ("price", "10"))))],
            "demo-products", new Dictionary<TopicPartition, long>());
        var expected = Asins.Order(StringComparer.Ordinal).ToList();

        foreach (var warehouse in new IWarehouse[] { duck, pg })
        {
            await warehouse.InitializeAsync(DatasetCatalog.All, CancellationToken.None);
            await warehouse.CommitAsync(batch, CancellationToken.None);

            var products = await DemoEndpoints.ProductsAsync(warehouse, CancellationToken.None);

            Assert.Equal(expected, products.Select(p => p.Asin));
        }
    }
}
