using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using Emporium.Processing;
using Emporium.Warehouse;

namespace Emporium.Bench.Ingest;

/// <summary>Freshness under NDJSON load: first lets the processor drain the backlog the throughput phases left (so
/// the phase measures the steady state of its own load, not the catch-up of an earlier one, and reports how long the
/// catch-up took), then one client posts NDJSON orders at a fixed rate (open loop, so every run and build gets the same
/// work however fast the machine is that moment) while probes (keyed categories records) are posted at a fixed
/// interval; each probe is timed from its 202 until the warehouse returns it.</summary>
internal static class FreshnessProbe
{
    private static readonly TimeSpan ProbeInterval = TimeSpan.FromMilliseconds(25);
    private static readonly TimeSpan GiveUp = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan DrainLimit = TimeSpan.FromSeconds(120);

    /// <param name="Samples">202 → visible, ms, of every probe seen.</param>
    /// <param name="Lost">Probes not visible within 5 s of their 202 (counted as slower than every sample).</param>
    /// <param name="Backlog">Entries not yet committed when the phase was about to start.</param>
    /// <param name="Drain">Time the processor took to commit that backlog (capped at 120 s).</param>
    /// <param name="LoadEventsPerSecond">Orders the background client got acknowledged per second (below the offered
    /// rate when ingest could not keep up).</param>
    /// <param name="ProcessedPerSecond">Entries the processor committed per second during the phase.</param>
    /// <param name="Processor">Processor statistics at the end of the phase (its freshness quantiles cover its last
    /// 8 192 records).</param>
    public sealed record Result(IReadOnlyList<double> Samples, int Lost, long Backlog, TimeSpan Drain, double LoadEventsPerSecond, double ProcessedPerSecond, ProcessorStats? Processor)
    {
        /// <summary>The p-th percentile, counting lost probes as infinitely late.</summary>
        public double Percentile(double p)
        {
            var total = Samples.Count + Lost;
            if (total == 0)
            {
                return double.NaN;
            }
            var sorted = Samples.Order().ToArray();
            var rank = Math.Min(total - 1, (int)Math.Ceiling(p / 100 * total) - 1);
            return rank < sorted.Length ? sorted[rank] : double.PositiveInfinity;
        }
    }

    public static async Task<Result> RunAsync(HttpClient http, string url, IWarehouse warehouse, StreamProcessor? processor,
        IReadOnlyList<byte[]> batches, int batchSize, double eventsPerSecond, TimeSpan phase, CancellationToken ct)
    {
        var (backlog, drain) = await DrainAsync(processor, ct);

        var committedBefore = processor?.Stats.Records ?? 0;
        var background = PacedLoadAsync(http, $"{url}/api/v1/ingest/orders", batches, TimeSpan.FromSeconds(batchSize / eventsPerSecond), phase, ct);
        var acked = new ConcurrentDictionary<long, long>();
        var samples = new ConcurrentBag<double>();
        using var sending = new CancellationTokenSource();
        var checker = CheckAsync(warehouse, acked, samples, sending.Token, ct);
        var clock = Stopwatch.StartNew();
        for (var next = TimeSpan.Zero; clock.Elapsed < phase; next += ProbeInterval)
        {
            if (next > clock.Elapsed)
            {
                await Task.Delay(next - clock.Elapsed, ct);
            }
            // Keyed, so the check is a primary-key lookup, not a scan of the orders table the load keeps growing
            // (which would slow the processor being measured).
            var id = 1_000_000_000L + Random.Shared.NextInt64(1_000_000_000L);
            using var response = await http.PostAsync($"{url}/api/v1/ingest/categories",
                new StringContent($"{{\"id\":{id},\"category_name\":\"freshness probe\"}}", Encoding.UTF8, "application/json"), ct);
            if ((int)response.StatusCode == 202)
            {
                acked[id] = Stopwatch.GetTimestamp();
            }
        }
        await sending.CancelAsync();
        await checker;
        var loaded = await background * batchSize / clock.Elapsed.TotalSeconds;
        var stats = processor?.Stats;
        var processed = ((stats?.Records ?? 0) - committedBefore) / clock.Elapsed.TotalSeconds;
        return new Result([.. samples], acked.Count, backlog, drain, loaded, processed, stats);
    }

    /// <summary>Posts one body every <paramref name="interval"/> (a late post is sent at once, never skipped). Returns
    /// the bodies acknowledged with 202.</summary>
    private static async Task<long> PacedLoadAsync(HttpClient http, string url, IReadOnlyList<byte[]> bodies, TimeSpan interval, TimeSpan phase, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        var acknowledged = 0L;
        for (var (i, next) = (0, TimeSpan.Zero); clock.Elapsed < phase; i++, next += interval)
        {
            if (next > clock.Elapsed)
            {
                await Task.Delay(next - clock.Elapsed, ct);
            }
            var content = new ByteArrayContent(bodies[i % bodies.Count]);
            content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/x-ndjson");
            using var response = await http.PostAsync(url, content, ct);
            acknowledged += (int)response.StatusCode == 202 ? 1 : 0;
        }
        return acknowledged;
    }

    /// <summary>Polls the warehouse for every outstanding probe in one query every few milliseconds until sending has
    /// stopped and every probe is seen or given up.</summary>
    internal static async Task CheckAsync(IWarehouse warehouse, ConcurrentDictionary<long, long> acked, ConcurrentBag<double> samples,
        CancellationToken sending, CancellationToken ct)
    {
        while (true)
        {
            var now = Stopwatch.GetTimestamp();
            var outstanding = acked.Where(kv => Stopwatch.GetElapsedTime(kv.Value, now) < GiveUp).Select(kv => kv.Key).ToList();
            if (outstanding.Count == 0 && sending.IsCancellationRequested)
            {
                return;
            }
            if (outstanding.Count > 0)
            {
                var ids = string.Join(", ", outstanding.Select(id => id.ToString(CultureInfo.InvariantCulture)));
                var seen = await warehouse.QueryAsync($"SELECT id FROM categories WHERE id IN ({ids})", ct);
                var at = Stopwatch.GetTimestamp();
                foreach (var row in seen.Rows)
                {
                    var id = Convert.ToInt64(row[0], CultureInfo.InvariantCulture);
                    if (acked.TryRemove(id, out var ack))
                    {
                        samples.Add(Stopwatch.GetElapsedTime(ack, at).TotalMilliseconds);
                    }
                }
            }
            await Task.Delay(5, ct);
        }
    }

    /// <summary>Waits until the processor has committed everything in the log (at most 120 s), so the next phase
    /// measures its own load rather than the catch-up of an earlier one. Returns the backlog found and the time taken.</summary>
    public static async Task<(long Backlog, TimeSpan Drain)> DrainAsync(StreamProcessor? processor, CancellationToken ct)
    {
        var drain = Stopwatch.StartNew();
        if (processor is null)
        {
            return (0, TimeSpan.Zero);
        }
        var backlog = await LagAsync(processor, ct);
        while (await LagAsync(processor, ct) > 0 && drain.Elapsed < DrainLimit)
        {
            await Task.Delay(50, ct);
        }
        return (backlog, drain.Elapsed);
    }

    private static async Task<long> LagAsync(StreamProcessor processor, CancellationToken ct) =>
        (await processor.GetLagAsync(ct)).Values.Sum();
}
