using Emporium.Log.Embedded;

namespace Emporium.Bench.Ingest;

/// <summary>Single-event POSTs against the host and the no-op peer at one client count, cut into rounds that alternate
/// no-op, host, no-op, host…: a burst from another tenant then lands on both sides instead of on one phase.</summary>
public sealed record SinglePostComparison(int Clients, LoadDriver.Result Noop, LoadDriver.Result Host, long? Fsyncs, IReadOnlyList<double> RoundRatios)
{
    public double Ratio => Host.RequestsPerSecond / Noop.RequestsPerSecond;

    /// <summary>Host POSTs that shared one log fsync (group commit), when the log is the embedded one.</summary>
    public double? PostsPerFsync => Fsyncs > 0 ? Host.Requests / (double)Fsyncs : null;

    public static async Task<SinglePostComparison> RunAsync(HttpClient http, string noopUrl, string hostUrl, IReadOnlyList<byte[]> bodies,
        int clients, TimeSpan phase, int rounds, EmbeddedEventLog? log, CancellationToken ct)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(rounds, 1);
        var (noop, host) = (new List<LoadDriver.Result>(), new List<LoadDriver.Result>());
        long? fsyncs = log is null ? null : 0;
        var slice = phase / rounds;
        for (var round = 0; round < rounds; round++)
        {
            noop.Add(await LoadDriver.RunAsync(http, noopUrl, bodies, 1, "application/json", clients, slice, ct));
            var before = log?.Stats.Fsyncs;
            host.Add(await LoadDriver.RunAsync(http, hostUrl, bodies, 1, "application/json", clients, slice, ct));
            fsyncs += log?.Stats.Fsyncs - before;
        }

        var ratios = host.Zip(noop, (h, o) => h.RequestsPerSecond / o.RequestsPerSecond).Order().ToList();
        return new SinglePostComparison(clients, LoadDriver.Result.Combine(noop), LoadDriver.Result.Combine(host), fsyncs, ratios);
    }
}
