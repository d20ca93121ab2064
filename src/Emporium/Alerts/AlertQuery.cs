using System.Globalization;
using Emporium.Sources;
using Emporium.Warehouse;

namespace Emporium.Alerts;

/// <summary>Filters of the alerts feed (<c>GET /api/v1/alerts</c>). All optional; newest first, a page of
/// <paramref name="Limit"/> after skipping the <paramref name="Offset"/> newest.</summary>
public sealed record AlertQuery(int Limit = 100, string? Kind = null, string? Asin = null, string? Source = null, DateOnly? Since = null, long Offset = 0)
{
    public const int MaxLimit = 1000;

    /// <summary>Alerts with their delivery counts per state.</summary>
    public async Task<IReadOnlyList<AlertFeedItem>> RunAsync(IWarehouse warehouse, CancellationToken ct)
    {
        await warehouse.InitializeAsync(SeedDatasets.All, ct);
        var where = new List<string>();
        if (Kind is not null)
        {
            where.Add($"a.kind = {SqlLiteral.Text(Kind)}");
        }
        if (Asin is not null)
        {
            where.Add($"a.asin = {SqlLiteral.Text(Asin)}");
        }
        if (Source is not null)
        {
            where.Add($"a.source = {SqlLiteral.Text(Source)}");
        }
        if (Since is { } since)
        {
            where.Add($"a.observed_for >= {SqlLiteral.Day(since)}");
        }
        ArgumentOutOfRangeException.ThrowIfNegative(Offset);
        // The page is chosen first and only its alerts are joined with their deliveries: joining and grouping every
        // alert before the LIMIT took 0.6 s per request with 200,000 alerts, for a page of 100.
        // The currency of a price alert's values, which the alert itself does not keep: a seller's offers name theirs;
        // the products dataset has none, and its prices are the US listings' dollars (as the dashboard shows them).
        var result = await warehouse.QueryAsync($"""
            SELECT a.alert_id, a.kind, a.source, a.asin, a.title, a.old_value, a.new_value, a.change_pct, a.message,
                   a.observed_for, a.detected_at,
                   SUM(CASE WHEN d.state = 'delivered' THEN 1 ELSE 0 END), SUM(CASE WHEN d.state = 'pending' THEN 1 ELSE 0 END),
                   SUM(CASE WHEN d.state = 'failed' THEN 1 ELSE 0 END), a.currency
            FROM (
                SELECT a.*,
                       CASE WHEN a.kind = {SqlLiteral.Text(AlertKind.DemandJump)} THEN NULL
                            WHEN a.source = {SqlLiteral.Text(ProductSnapshotAlerts.Source)} THEN {SqlLiteral.Text(ProductSnapshotAlerts.Currency)}
                            ELSE (SELECT MAX(o.currency) FROM seller_offers AS o WHERE 'seller:' || o.seller_id = a.source AND o.asin = a.asin) END AS currency
                FROM alerts AS a
                {(where.Count == 0 ? "" : "WHERE " + string.Join(" AND ", where))}
                ORDER BY a.detected_at DESC, a.alert_id
                LIMIT {Math.Clamp(Limit, 1, MaxLimit)} OFFSET {Offset.ToString(CultureInfo.InvariantCulture)}
            ) AS a LEFT JOIN alert_deliveries AS d ON d.alert_id = a.alert_id
            GROUP BY a.alert_id, a.kind, a.source, a.asin, a.title, a.old_value, a.new_value, a.change_pct, a.message, a.observed_for, a.detected_at, a.currency
            ORDER BY a.detected_at DESC, a.alert_id
            """, ct);
        return result.Rows.Select(r => new AlertFeedItem(
            (string)r[0]!, (string)r[1]!, (string)r[2]!, (string)r[3]!, r[4] as string,
            WarehouseValues.Double(r[5]), WarehouseValues.Double(r[6]), WarehouseValues.Double(r[7]), r[8] as string ?? "",
            DateOnly.FromDateTime(WarehouseValues.Utc(r[9])).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            new DateTimeOffset(WarehouseValues.Utc(r[10]), TimeSpan.Zero),
            new AlertDeliveryCounts(WarehouseValues.Long(r[11]), WarehouseValues.Long(r[12]), WarehouseValues.Long(r[13])),
            r[14] as string))
            .ToList();
    }
}

/// <summary>One alert in the feed, with how its webhook deliveries stand. <paramref name="Currency"/> is that of a price
/// alert's values (null for a demand jump, counted in purchases a month, or a seller's offer that names none).</summary>
public sealed record AlertFeedItem(
    string Id, string Kind, string Source, string Asin, string? Title, double? OldValue, double? NewValue, double? ChangePct,
    string Message, string ObservedFor, DateTimeOffset DetectedAt, AlertDeliveryCounts Deliveries, string? Currency = null);

public sealed record AlertDeliveryCounts(long Delivered, long Pending, long Failed);
