using Emporium.Datasets;
using Emporium.Log;
using Emporium.Sources;
using Emporium.Warehouse;

namespace Emporium.Alerts;

/// <summary>Stores alerts and their outbox rows. An alert whose id is already stored is ignored, so a re-run of a
/// day neither duplicates it nor queues its webhook deliveries again; a new alert and its pending deliveries are
/// written in one transaction, so an alert is never stored without its deliveries (or the reverse).</summary>
public sealed class AlertStore(IWarehouse warehouse, TimeProvider? time = null)
{
    private readonly TimeProvider _time = time ?? TimeProvider.System;

    public const string Pending = "pending";
    public const string Delivered = "delivered";
    public const string Failed = "failed";

    /// <summary>Saves the alerts not seen before and queues one delivery per webhook for each; returns the new ones.</summary>
    public async Task<IReadOnlyList<Alert>> SaveNewAsync(IReadOnlyList<Alert> alerts, IReadOnlyList<string> webhooks, CancellationToken ct)
    {
        await warehouse.InitializeAsync(SeedDatasets.All, ct);
        if (alerts.Count == 0)
        {
            return [];
        }
        var known = new HashSet<string>(StringComparer.Ordinal);
        foreach (var chunk in alerts.Select(a => a.Id).Distinct().Chunk(500))
        {
            var result = await warehouse.QueryAsync(
                $"SELECT alert_id FROM alerts WHERE alert_id IN ({string.Join(", ", chunk.Select(SqlLiteral.Text))})", ct);
            known.UnionWith(result.Rows.Select(r => (string)r[0]!));
        }
        var fresh = alerts.Where(a => !known.Contains(a.Id)).DistinctBy(a => a.Id).ToList();
        if (fresh.Count == 0)
        {
            return [];
        }
        var now = _time.GetUtcNow().UtcDateTime;
        var alertRows = fresh.Select(a => new CanonicalRecord(SeedDatasets.Alerts,
        [
            a.Id, a.Kind, a.Source, a.Asin, a.Title, a.OldValue, a.NewValue, a.ChangePct, a.Message,
            a.ObservedFor.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc), a.DetectedAt.UtcDateTime,
        ])).ToList();
        var deliveryRows = fresh
            .SelectMany(a => webhooks.Select(w => new CanonicalRecord(SeedDatasets.AlertDeliveries, [a.Id, w, Pending, 0L, null, now])))
            .ToList();
        await warehouse.CommitAsync(new WarehouseBatch(
            [
                new DatasetRows(SeedDatasets.Alerts, alertRows, "alerts"),
                new DatasetRows(SeedDatasets.AlertDeliveries, deliveryRows, "alerts"),
            ],
            "alerts",
            new Dictionary<TopicPartition, long>()), ct);
        return fresh;
    }

    /// <summary>Deliveries still to make, with their alert, oldest alert first.</summary>
    public async Task<IReadOnlyList<PendingDelivery>> PendingAsync(CancellationToken ct)
    {
        await warehouse.InitializeAsync(SeedDatasets.All, ct);
        var result = await warehouse.QueryAsync($"""
            SELECT d.alert_id, d.webhook, d.attempts, a.kind, a.source, a.asin, a.title, a.old_value, a.new_value,
                   a.change_pct, a.message, a.observed_for, a.detected_at
            FROM alert_deliveries AS d JOIN alerts AS a ON a.alert_id = d.alert_id
            WHERE d.state = {SqlLiteral.Text(Pending)}
            ORDER BY a.detected_at, d.alert_id, d.webhook
            """, ct);
        return result.Rows.Select(r => new PendingDelivery(
            (string)r[1]!,
            Convert.ToInt32(r[2], System.Globalization.CultureInfo.InvariantCulture),
            new Alert(
                (string)r[0]!, (string)r[3]!, (string)r[4]!, (string)r[5]!, r[6] as string,
                WarehouseValues.Double(r[7]), WarehouseValues.Double(r[8]), WarehouseValues.Double(r[9]), (string?)r[10] ?? "",
                DateOnly.FromDateTime(WarehouseValues.Utc(r[11])), new DateTimeOffset(WarehouseValues.Utc(r[12]), TimeSpan.Zero))))
            .ToList();
    }

    /// <summary>Records the outcome of delivery attempts.</summary>
    public async Task RecordAsync(IReadOnlyList<DeliveryOutcome> outcomes, CancellationToken ct)
    {
        if (outcomes.Count == 0)
        {
            return;
        }
        var now = _time.GetUtcNow().UtcDateTime;
        var rows = outcomes.Select(o => new CanonicalRecord(SeedDatasets.AlertDeliveries,
            [o.AlertId, o.Webhook, o.State, (long)o.Attempts, o.Error, now])).ToList();
        await warehouse.CommitAsync(new WarehouseBatch(
            [new DatasetRows(SeedDatasets.AlertDeliveries, rows, "alerts")], "alerts", new Dictionary<TopicPartition, long>()), ct);
    }
}

/// <summary>One delivery to make: the webhook, attempts so far (dispatches), and the alert.</summary>
public sealed record PendingDelivery(string Webhook, int Attempts, Alert Alert);

/// <summary>What happened to one delivery in a dispatch.</summary>
public sealed record DeliveryOutcome(string AlertId, string Webhook, string State, int Attempts, string? Error);
