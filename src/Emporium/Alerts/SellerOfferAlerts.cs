using System.Globalization;
using Emporium.Sources;
using Emporium.Warehouse;

namespace Emporium.Alerts;

/// <summary>Alerts for one seller's <c>seller_offers</c> snapshot: compared with the seller's latest earlier snapshot
/// in the warehouse. An offer is in stock while it lists a price; an ASIN missing from the new full catalog is out of
/// stock. Comparing against stored history (not a mutable "last seen" state) makes a re-run of a day detect exactly
/// the same alerts, which the store then ignores as already known.</summary>
public static class SellerOfferAlerts
{
    public static async Task<IReadOnlyList<Alert>> DetectAsync(
        IWarehouse warehouse, string sellerId, DateOnly ds, AlertOptions options, DateTimeOffset now, CancellationToken ct)
    {
        await warehouse.InitializeAsync(SeedDatasets.All, ct);
        var seller = SqlLiteral.Text(sellerId);
        var previousDay = await warehouse.QueryAsync(
            $"SELECT MAX(snapshot_date) FROM seller_offers WHERE seller_id = {seller} AND snapshot_date < {SqlLiteral.Day(ds)}", ct);
        if (previousDay.Rows.Count == 0 || previousDay.Rows[0][0] is null)
        {
            return []; // first snapshot: nothing to compare with
        }
        var before = await LoadAsync(warehouse, seller, SqlLiteral.Timestamp(WarehouseValues.Utc(previousDay.Rows[0][0])), ct);
        var current = await LoadAsync(warehouse, seller, SqlLiteral.Day(ds), ct);
        return AlertDetector.Detect($"seller:{sellerId}", before, current, completeSnapshot: true, ds, now, options);
    }

    private static async Task<IReadOnlyDictionary<string, ProductObservation>> LoadAsync(IWarehouse warehouse, string seller, string day, CancellationToken ct)
    {
        var result = await warehouse.QueryAsync(
            $"SELECT asin, product_title, product_price, sales_volume, currency FROM seller_offers WHERE seller_id = {seller} AND snapshot_date = {day}", ct);
        return result.Rows.ToDictionary(
            r => (string)r[0]!,
            r =>
            {
                var price = WarehouseValues.Double(r[2]);
                long? demand = r[3] is null ? null : Convert.ToInt64(r[3], CultureInfo.InvariantCulture);
                return new ProductObservation((string)r[0]!, r[1] as string, price, price is not null, demand, r[4] as string);
            },
            StringComparer.Ordinal);
    }
}
