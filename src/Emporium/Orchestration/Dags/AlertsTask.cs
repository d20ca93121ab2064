using Emporium.Configuration;
using Emporium.Alerts;
using Emporium.Warehouse;
using Microsoft.Extensions.Logging;

namespace Emporium.Orchestration.Dags;

/// <summary>The alert step shared by DAGs: store the new alerts with their outbox rows, then try the webhooks. A
/// webhook failure is logged and left pending for the next run; it never fails the task.</summary>
internal static class AlertsTask
{
    private static readonly HttpClient Http = new() { Timeout = Timeout.InfiniteTimeSpan };

    /// <summary>Declares the alert parameters <see cref="Options"/> reads, with their defaults.</summary>
    public static Dag Params(Dag dag)
    {
        var defaults = new AlertOptions();
        return dag
            .Param("price_change_pct", defaults.PriceChangePercent, Range(nameof(AlertOptions.PriceChangePercent)))
            .Param("demand_jump_factor", defaults.DemandJumpFactor, Range(nameof(AlertOptions.DemandJumpFactor)))
            .Param("webhooks", null)
            .Param("webhook_retries", defaults.DeliveryRetries, Range(nameof(AlertOptions.DeliveryRetries)))
            .Param("webhook_retry_delay", defaults.DeliveryRetryDelay, Range(nameof(AlertOptions.DeliveryRetryDelay)));
    }

    private static SettingRangeAttribute Range(string option) => SettingRangeAttribute.Of<AlertOptions>(option);

    public static AlertOptions Options(TaskContext ctx)
    {
        var defaults = new AlertOptions();
        return defaults with
        {
            PriceChangePercent = ctx.Param("price_change_pct", defaults.PriceChangePercent),
            DemandJumpFactor = ctx.Param("demand_jump_factor", defaults.DemandJumpFactor),
            DeliveryRetries = ctx.Param("webhook_retries", defaults.DeliveryRetries),
            DeliveryRetryDelay = ctx.Param("webhook_retry_delay", defaults.DeliveryRetryDelay),
            Webhooks = Webhooks(ctx),
        };
    }

    /// <summary>The webhook URLs, each an absolute http(s) URL. A typo would otherwise be stored with every alert and
    /// only given up after <see cref="AlertOptions.MaxDispatches"/> runs; it is the configuration that is wrong, so
    /// the task fails at once and says which one.</summary>
    private static string[] Webhooks(TaskContext ctx)
    {
        var hooks = (ctx.Param<string?>("webhooks", null) ?? "")
            .Split([',', ';', ' '], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        for (var i = 0; i < hooks.Length; i++)
        {
            if (!Uri.TryCreate(hooks[i], UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
            {
                // By position and origin only: a webhook's URL is its credential, and the task's error is shown to
                // every read key (the run's params mask it likewise).
                throw new DagParameterException($"DAG '{ctx.DagName}' task '{ctx.TaskName}': parameter 'webhooks': webhook {i + 1} of {hooks.Length} "
                    + $"('{SecretMask.Origin(hooks[i])}') is not an http:// or https:// URL (separate several with commas)");
            }
        }
        return hooks;
    }

    /// <summary>New alerts the task logs one by one; the rest are counted. A day that changes a large catalog (197,101
    /// price changes of 1.4M products) wrote a 37 MB task log and as many lines to the server's console.</summary>
    public const int LoggedAlerts = 100;

    /// <summary>The whole alert task: detect with <paramref name="detect"/> (given the warehouse, the options and now),
    /// then store and dispatch.</summary>
    public static async Task RaiseAsync(
        TaskContext ctx, Func<IWarehouse, AlertOptions, DateTimeOffset, CancellationToken, Task<IReadOnlyList<Alert>>> detect)
    {
        var warehouse = DagServices.Warehouse(ctx);
        var time = DagServices.Time(ctx);
        var options = Options(ctx);
        var detected = await detect(warehouse, options, time.GetUtcNow(), ctx.CancellationToken);
        await StoreAndDispatchAsync(ctx, warehouse, detected, options, Http, time);
    }

    private static async Task StoreAndDispatchAsync(
        TaskContext ctx, IWarehouse warehouse, IReadOnlyList<Alert> detected, AlertOptions options, HttpClient http, TimeProvider time)
    {
        var store = new AlertStore(warehouse, time);
        var fresh = await store.SaveNewAsync(detected, options.Webhooks, ctx.CancellationToken);
        foreach (var alert in fresh.Take(LoggedAlerts))
        {
            ctx.Log.LogInformation("alert {Kind}: {Message}", alert.Kind, alert.Message);
        }
        if (fresh.Count > LoggedAlerts)
        {
            ctx.Log.LogInformation("… and {More} more new alert(s): GET /api/v1/alerts or the alerts table", fresh.Count - LoggedAlerts);
        }
        ctx.Log.LogInformation("{Detected} change(s) detected, {New} new alert(s)", detected.Count, fresh.Count);
        try
        {
            var summary = await new AlertDispatcher(http, store, options, time, ctx.Log).DispatchAsync(ctx.CancellationToken);
            ctx.Log.LogInformation("webhooks: {Delivered} delivered, {Pending} pending, {Failed} given up", summary.Delivered, summary.Pending, summary.Failed);
        }
        catch (Exception ex) when (!ctx.CancellationToken.IsCancellationRequested)
        {
            ctx.Log.LogWarning(ex, "alert delivery failed; deliveries stay pending for the next run");
        }
    }
}
