using Emporium.Configuration;

namespace Emporium.Alerts;

/// <summary>Alert thresholds and webhook delivery. Configured under <c>Alerts</c> in <c>emporium.json</c> or
/// <c>EMPORIUM__ALERTS__…</c> (e.g. <c>EMPORIUM__ALERTS__WEBHOOKS__0=https://hooks.example/emporium</c>).</summary>
public sealed record AlertOptions
{
    /// <summary>A price change of at least this many percent (either way) raises <c>price_change</c>. Default 10.</summary>
    [SettingRange("0", AboveMinimum = true)]
    public double PriceChangePercent { get; init; } = 10;

    /// <summary>Demand (<c>sales_volume</c> / <c>bought_in_last_month</c>) at least this many times the previous value
    /// raises <c>demand_jump</c>. Default 2.</summary>
    [SettingRange("1", AboveMinimum = true)]
    public double DemandJumpFactor { get; init; } = 2;

    /// <summary>Smallest absolute demand increase that counts, so 10 → 20 sales is not a "jump". Default 100.</summary>
    [SettingRange("0")]
    public long MinDemandIncrease { get; init; } = 100;

    /// <summary>URLs every new alert is POSTed to as JSON. Default none.</summary>
    public IReadOnlyList<string> Webhooks { get; init; } = [];

    /// <summary>HTTP retries of one delivery within a dispatch (exponential backoff with jitter). Default 3.</summary>
    [SettingRange("0")]
    public int DeliveryRetries { get; init; } = 3;

    /// <summary>First retry delay. Default 1 s.</summary>
    [SettingRange("00:00:00")]
    public TimeSpan DeliveryRetryDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Limit of one POST. Default 10 s.</summary>
    [SettingRange("00:00:00", AboveMinimum = true)]
    public TimeSpan DeliveryTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Dispatches a delivery is attempted in before it is marked <c>failed</c>; until then every dispatch
    /// (after each snapshot) tries it again. Default 5.</summary>
    [SettingRange("1")]
    public int MaxDispatches { get; init; } = 5;
}
