using System.Globalization;
using Emporium.Sources;
using Emporium.Warehouse;

namespace Emporium.Alerts;

/// <summary>Alerts for one seller's <c>seller_offers</c> snapshot: compared with the seller's latest earlier snapshot
/// in the warehouse. An offer is in stock while it lists a price; an ASIN missing from the new full catalog is out of
/// stock, and back in stock when a later catalog lists it again. Comparing against stored history (not a mutable
/// "last seen" state) makes a re-run of a day detect exactly the same alerts, which the store then ignores as already
/// known.</summary>
public static class SellerOfferAlerts
{
    public static async Task<IReadOnlyList<Alert>> DetectAsync(
        IWarehouse warehouse, string sellerId, DateOnly ds, AlertOptions options, DateTimeOffset now, CancellationToken ct)
    {
        await warehouse.InitializeAsync(SeedDatasets.All, ct);
        var seller = SqlLiteral.Text(sellerId);
        var day = SqlLiteral.Day(ds);
        // seller_snapshots records a day whose catalog came back empty too: that day is the one to compare with (every
        // offer went out of stock on it), not the last day that listed offers.
        var previousDay = await warehouse.QueryAsync($"""
            SELECT MAX(snapshot_date) FROM (
                SELECT snapshot_date FROM seller_snapshots WHERE seller_id = {seller} AND snapshot_date < {day}
                UNION ALL SELECT snapshot_date FROM seller_offers WHERE seller_id = {seller} AND snapshot_date < {day}) AS m
            """, ct);
        if (previousDay.Rows.Count == 0 || previousDay.Rows[0][0] is null)
        {
            return []; // first snapshot: nothing to compare with
        }
        var previous = SqlLiteral.Timestamp(WarehouseValues.Utc(previousDay.Rows[0][0]));
        var before = new Dictionary<string, ProductObservation>(await LoadAsync(warehouse, seller, previous, ct), StringComparer.Ordinal);
        var current = await LoadAsync(warehouse, seller, day, ct);
        // An offer missing from the previous full catalog was out of stock then (that snapshot raised out_of_stock for
        // it): listed again now, it is back in stock, not a new listing. Only an ASIN the seller never listed is new.
        var returned = await warehouse.QueryAsync($"""
            SELECT DISTINCT o.asin FROM seller_offers AS o
            WHERE o.seller_id = {seller} AND o.snapshot_date < {previous}
              AND EXISTS (SELECT 1 FROM seller_offers AS c WHERE c.seller_id = {seller} AND c.snapshot_date = {day} AND c.asin = o.asin)
              AND NOT EXISTS (SELECT 1 FROM seller_offers AS p WHERE p.seller_id = {seller} AND p.snapshot_date = {previous} AND p.asin = o.asin)
            """, ct);
        foreach (var asin in returned.Rows.Select(r => (string)r[0]!))
        {
            before[asin] = new ProductObservation(asin, null, null, InStock: false, Demand: null);
        }
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
