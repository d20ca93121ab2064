using System.Globalization;
using Emporium.Datasets;
using Emporium.Log;
using Emporium.Marts;
using Emporium.Sources;
using Emporium.Tests.TestSupport;
using Emporium.Warehouse;
using Emporium.Warehouse.DuckDb;
using Emporium.Warehouse.Postgres;

namespace Emporium.Tests.Marts;

/// <summary>Seed 003 dropped every order line missing any of its eight fields before its queries ran (the batch loader
/// and the stream producer both <c>dropna</c> over all of them; the Glue job then again over customer, invoice date and
/// description), so no seed total had a line without a stock code or a country. Ingest keeps such a line (it is a
/// valid sale); <c>clean_orders</c>, which the four order marts read, leaves it out, on every warehouse.</summary>
[Collection(PostgresCollection.Name)]
public sealed class CleanOrdersTests(PostgresServer server) : IAsyncLifetime
{
    private readonly TempDir _dir = new("clean-orders");
    private readonly Dictionary<string, IWarehouse> _warehouses = [];

    /// <summary>The first 40 real UCI lines with a customer, then one field blanked in some of them.</summary>
    private static readonly List<Dictionary<string, string?>> Lines = Sample();

    public static TheoryData<string> Warehouses() => ["duckdb", "postgres"];

    private static List<Dictionary<string, string?>> Sample()
    {
        var lines = SampleWarehouseFixture.ReadCsv(SampleData.OnlineRetail)
            .Where(r => r["CustomerID"].Length > 0 && r["Description"].Length > 0)
            .Take(40)
            .Select(r => r.ToDictionary(kv => kv.Key, kv => (string?)kv.Value, StringComparer.Ordinal))
            .ToList();
        string?[] blanks = ["", "   ", null];
        var fields = new[] { "StockCode", "Country", "Description", "CustomerID", "InvoiceDate" };
        for (var i = 0; i < fields.Length * blanks.Length; i++)
        {
            lines[i * 2][fields[i % fields.Length]] = blanks[i / fields.Length];
        }
        return lines;
    }

    public async Task InitializeAsync()
    {
        _warehouses["duckdb"] = new DuckDbWarehouse(new DuckDbWarehouseOptions { Path = _dir.Combine("w.duckdb") });
        _warehouses["postgres"] = new PostgresWarehouse(new PostgresWarehouseOptions { ConnectionString = await server.CreateDatabaseAsync("clean_orders") });
        var batch = new WarehouseBatch([NormalizedRows.Of(DatasetCatalog.Orders, "test:clean-orders", Lines)], "clean-orders", new Dictionary<TopicPartition, long>());
        foreach (var warehouse in _warehouses.Values)
        {
            await warehouse.InitializeAsync([.. DatasetCatalog.All, .. SeedDatasets.All], CancellationToken.None);
            await warehouse.CommitAsync(batch, CancellationToken.None);
        }
    }

    public async Task DisposeAsync()
    {
        foreach (var warehouse in _warehouses.Values)
        {
            await warehouse.DisposeAsync();
        }
        _dir.Dispose();
    }

    [Theory]
    [MemberData(nameof(Warehouses))]
    public async Task Lines_missing_any_field_the_seed_required_are_left_out_of_the_order_marts(string warehouse)
    {
        // A field of spaces is no value (the normalizer stores null for it, as for an empty cell).
        var kept = Lines.Where(l => l.Values.All(v => !string.IsNullOrWhiteSpace(v))).ToList();
        Assert.Equal(25, kept.Count); // 15 of the 40 lines lost a field
        var marts = new MartService(_warehouses[warehouse]);

        var clean = await marts.QueryAsync("clean_orders", MartService.MaxLimit, CancellationToken.None);
        Assert.Equal(
            kept.Select(l => $"{l["StockCode"]}|{l["Country"]!.Trim().ToLowerInvariant()}|{l["Quantity"]}").Order(StringComparer.Ordinal),
            clean.Rows.Select(r => $"{r[2]}|{r[1]}|{r[3]}").Order(StringComparer.Ordinal));

        var byCountry = await marts.QueryAsync("sales_by_country", MartService.MaxLimit, CancellationToken.None);
        var expected = kept.GroupBy(l => l["Country"]!.Trim().ToLowerInvariant())
            .Select(g => (g.Key, (double)Math.Round(g.Sum(l => long.Parse(l["Quantity"]!, CultureInfo.InvariantCulture) * decimal.Parse(l["UnitPrice"]!, CultureInfo.InvariantCulture)), 2, MidpointRounding.AwayFromZero)))
            .OrderByDescending(x => x.Item2).ThenBy(x => x.Key, StringComparer.Ordinal).ToList();
        Assert.Equal(expected, byCountry.Rows.Select(r => ((string)r[0]!, (double)r[1]!)));
        Assert.DoesNotContain((await marts.QueryAsync("popular_products", MartService.MaxLimit, CancellationToken.None)).Rows, r => r[0] is null);
        Assert.DoesNotContain((await marts.QueryAsync("daily_sales", MartService.MaxLimit, CancellationToken.None)).Rows, r => r[1] is null);
        Assert.Equal(
            kept.Select(l => (long)decimal.Parse(l["CustomerID"]!, CultureInfo.InvariantCulture)).Distinct().Order(),
            (await marts.QueryAsync("top_customers", MartService.MaxLimit, CancellationToken.None)).Rows.Select(r => (long)r[0]!).Order());
    }
}
