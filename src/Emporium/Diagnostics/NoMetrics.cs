namespace Emporium.Diagnostics;

/// <summary>The source registered when the part that has metrics is not hosted or not of the kind that has them, so
/// the host's list of sources stays one registration per module.</summary>
public sealed class NoMetrics : IMetricsSource
{
    public static readonly NoMetrics Instance = new();

    private NoMetrics()
    {
    }

    public void Write(PrometheusWriter writer)
    {
    }
}
