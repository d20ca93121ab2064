using System.Globalization;
using System.Text;
using Emporium.Cli.Hosting;

namespace Emporium.Bench.Ingest;

/// <summary><c>ingest</c>: durable NDJSON ingest events/s and single-event POST req/s (p50/p99) of a real
/// <c>emporium up</c> host (embedded log, fsync per group commit), each divided by a no-op Kestrel endpoint fed the
/// same bytes in the same run; plus freshness (202 → row visible in the warehouse) p50/p99 under load when the
/// processor is present, at a fixed offered NDJSON rate. Options: <c>--seconds N</c> per phase (default 5),
/// <c>--warmup N</c> seconds of each load shape on each server before measuring (default 5),
/// <c>--freshness-rate N</c> orders/s offered during the freshness phase (default 10 000), <c>--out FILE</c> (markdown results),
/// <c>--singles-only</c> (only the single-POST phases, e.g. to profile them), <c>--clients N[,N…]</c> concurrent
/// single-POST clients, one comparison per count (default 32,128: each client waits for its record's fsync, so with few
/// clients the rate measures the fsync's latency more than the server's work; with many both servers are CPU-bound),
/// <c>--rounds N</c> (default 5) alternating slices per comparison (<see cref="SinglePostComparison"/>).</summary>
public sealed class IngestBenchmark : IBenchmarkSuite
{
    public string Name => "ingest";

    public string Description => "HTTP ingest: NDJSON events/s, single POST req/s p50/p99 vs a no-op Kestrel peer; freshness p50/p99";

    public async Task<int> RunAsync(string[] args, CancellationToken ct)
    {
        var seconds = BenchStats.Arg(args, "--seconds") is { } s ? double.Parse(s, CultureInfo.InvariantCulture) : 5;
        var output = BenchStats.Arg(args, "--out");
        var freshnessRate = BenchStats.Arg(args, "--freshness-rate") is { } r ? double.Parse(r, CultureInfo.InvariantCulture) : 10_000;
        var phase = TimeSpan.FromSeconds(seconds);
        var singlesOnly = args.Contains("--singles-only");
        var clientCounts = (BenchStats.Arg(args, "--clients") ?? "32,128").Split(',').Select(x => int.Parse(x, CultureInfo.InvariantCulture)).ToArray();
        var rounds = BenchStats.Arg(args, "--rounds") is { } n ? int.Parse(n, CultureInfo.InvariantCulture) : 5;
        var warmup = TimeSpan.FromSeconds(BenchStats.Arg(args, "--warmup") is { } w ? double.Parse(w, CultureInfo.InvariantCulture) : 5);
        var dataDir = Path.Combine(Path.GetTempPath(), $"emporium-bench-ingest-{Guid.NewGuid():N}");
        var port = Emporium.Testing.FreePort.Next();
        var configuration = EmporiumConfiguration.Build(dataDir, new Dictionary<string, string?> { ["Port"] = port.ToString(CultureInfo.InvariantCulture) });
        var options = EmporiumConfiguration.Bind(configuration);
        var report = new StringBuilder();
        try
        {
            await using var host = await EmporiumHost.StartAsync(options, configuration, TextWriter.Null, ct);
            await using var noop = await NoopServer.StartAsync(Emporium.Testing.FreePort.Next(), ct);
            using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 256 }) { Timeout = TimeSpan.FromSeconds(60) };

            const int batchSize = 1000;
            var batches = Enumerable.Range(0, 32).Select(b => Ndjson(Enumerable.Range(0, batchSize).Select(i => Order($"N{b}-{i}")))).ToList();
            var singles = Enumerable.Range(0, 256).Select(i => Encoding.UTF8.GetBytes(Order($"S{i}"))).ToList();

            Console.WriteLine($"ingest bench: {seconds}s per phase, host {host.Url}, log {host.Backends.Describe("log")}");
            // Warm both servers with both shapes as measured (connection pools, segment files, and the JIT: until hot
            // methods reach their final tier, part of the CPU goes to compiling and to the profiling of the tier in
            // between, which on two shared cores takes seconds, not one).
            foreach (var url in new[] { $"{host.Url}/api/v1/ingest/orders", $"{noop.Url}/noop" })
            {
                if (!singlesOnly)
                {
                    await LoadDriver.RunAsync(http, url, batches, batchSize, "application/x-ndjson", 4, warmup, ct);
                }
                await LoadDriver.RunAsync(http, url, singles, 1, "application/json", clientCounts[0], warmup, ct);
            }

            var ndNoop = singlesOnly ? LoadDriver.Result.None : await LoadDriver.RunAsync(http, $"{noop.Url}/noop", batches, batchSize, "application/x-ndjson", 4, phase, ct);
            var ndHost = singlesOnly ? LoadDriver.Result.None : await LoadDriver.RunAsync(http, $"{host.Url}/api/v1/ingest/orders", batches, batchSize, "application/x-ndjson", 4, phase, ct);
            // Single POSTs are measured with the processor caught up: it runs in the same process, and landing the NDJSON
            // backlog (large batches) costs the requests differently from landing their own trickle (small batches, each
            // with its files, manifests and transaction), which is the steady state of a stream of single records.
            var processor = host.App.Services.GetService(typeof(Emporium.Processing.StreamProcessor)) as Emporium.Processing.StreamProcessor;
            var catchUp = await FreshnessProbe.DrainAsync(processor, ct);
            var log = host.Backends.Log as Emporium.Log.Embedded.EmbeddedEventLog;
            var comparisons = new List<SinglePostComparison>();
            foreach (var clients in clientCounts)
            {
                comparisons.Add(await SinglePostComparison.RunAsync(http, $"{noop.Url}/noop", $"{host.Url}/api/v1/ingest/orders", singles, clients, phase, rounds, log, ct));
            }

            report.AppendLine($"## Ingest ({DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC)");
            report.AppendLine();
            var load = BenchStats.LoadAverage().Split(' ')[0];
            report.AppendLine($"Machine: {BenchStats.DescribeMachine()}; 1-minute load average at the end {load}. Phase length {seconds}s (single POSTs: per client count and server, in {rounds} alternating rounds) after {warmup.TotalSeconds}s of each shape on each server; host = `emporium up` in-process with {host.Backends.Describe("log")}; peer = no-op Kestrel endpoint reading the same bodies.");
            report.AppendLine();
            report.AppendLine("| measure | emporium | no-op peer | ratio | target |");
            report.AppendLine("|---|---|---|---|---|");
            if (!singlesOnly)
            {
                report.AppendLine($"| NDJSON events/s (batches of {batchSize}, 4 clients) | {ndHost.EventsPerSecond:N0} | {ndNoop.EventsPerSecond:N0} | {ndHost.EventsPerSecond / ndNoop.EventsPerSecond:F2} | ≥ 250k events/s |");
                report.AppendLine($"| NDJSON batch latency p50 / p99 ms | {ndHost.Percentile(50):F1} / {ndHost.Percentile(99):F1} | {ndNoop.Percentile(50):F1} / {ndNoop.Percentile(99):F1} | | |");
                report.AppendLine($"| process CPU µs per NDJSON event | {ndHost.CpuMicrosPerEvent:F2} | {ndNoop.CpuMicrosPerEvent:F2} | {ndHost.CpuMicrosPerEvent / ndNoop.CpuMicrosPerEvent:F1} | |");
            }

            foreach (var one in comparisons)
            {
                report.AppendLine(string.Create(CultureInfo.InvariantCulture,
                    $"| single-event POST req/s ({one.Clients} clients; ratio per round of {rounds}, alternating: {one.RoundRatios[0]:F2} / {one.RoundRatios[one.RoundRatios.Count / 2]:F2} / {one.RoundRatios[^1]:F2} min / median / max) | {one.Host.RequestsPerSecond:N0} | {one.Noop.RequestsPerSecond:N0} | {one.Ratio:F2} | ≥ 0.7× |"));
                report.AppendLine(string.Create(CultureInfo.InvariantCulture,
                    $"| single-event latency p50 / p99 ms ({one.Clients} clients) | {one.Host.Percentile(50):F2} / {one.Host.Percentile(99):F2} | {one.Noop.Percentile(50):F2} / {one.Noop.Percentile(99):F2} | | |"));
                report.AppendLine(string.Create(CultureInfo.InvariantCulture,
                    $"| process CPU µs per single-event POST ({one.Clients} clients) | {one.Host.CpuMicrosPerRequest:F0} | {one.Noop.CpuMicrosPerRequest:F0} | {one.Host.CpuMicrosPerRequest / one.Noop.CpuMicrosPerRequest:F2} | |"));
                report.AppendLine(string.Create(CultureInfo.InvariantCulture,
                    $"| single-event POSTs per log fsync (group commit; {one.Clients} clients) | {one.PostsPerFsync:F1} | | | |"));
            }

            report.AppendLine($"| non-202 answers | {ndHost.Failures + comparisons.Sum(x => x.Host.Failures)} | {ndNoop.Failures + comparisons.Sum(x => x.Noop.Failures)} | | |");

            if (singlesOnly)
            {
                report.AppendLine("| NDJSON and freshness | not measured (`--singles-only`) | | | |");
            }
            else if (host.Backends.Warehouse is { } warehouse)
            {
                // DuckDB's threshold checkpoint stalls the writer for as long as it folds the log: say whether one fell in the phase.
                var duck = warehouse as Emporium.Warehouse.DuckDb.DuckDbWarehouse;
                var walBefore = duck?.WriteAheadLogBytes;
                var idleBefore = duck?.IdleCheckpoints;
                var freshness = await FreshnessProbe.RunAsync(http, host.Url, warehouse, processor, batches, batchSize, freshnessRate, phase, ct);
                if (duck is not null)
                {
                    report.AppendLine(string.Create(CultureInfo.InvariantCulture,
                        $"| DuckDB write-ahead log before / after the freshness phase (MB; smaller after: a checkpoint ran in it), idle checkpoints before it | {walBefore / 1e6:F0} / {duck.WriteAheadLogBytes / 1e6:F0}, {idleBefore} | | | |"));
                }
                report.AppendLine(string.Create(CultureInfo.InvariantCulture,
                    $"| processor catching up on the NDJSON phases' backlog before the single POSTs (entries / seconds) | {catchUp.Backlog:N0} / {catchUp.Drain.TotalSeconds:F1} | | | |"));
                report.AppendLine(string.Create(CultureInfo.InvariantCulture,
                    $"| during the freshness phase: NDJSON orders acknowledged (offered {freshnessRate:N0}/s) / entries committed by the processor, per s | {freshness.LoadEventsPerSecond:N0} / {freshness.ProcessedPerSecond:N0} | | | |"));
                report.AppendLine(freshness.Samples.Count + freshness.Lost == 0
                    ? "| freshness | no probe acknowledged | | | ≤ 500 ms p99 |"
                    : string.Create(CultureInfo.InvariantCulture,
                        $"| freshness 202 → visible in warehouse, p50 / p99 ms ({freshness.Samples.Count} probes seen, {freshness.Lost} not within 5 s; NDJSON load) | {freshness.Percentile(50):F0} / {freshness.Percentile(99):F0} | | | ≤ 500 ms p99 |"));
                if (freshness.Processor is { } stats)
                {
                    report.AppendLine(string.Create(CultureInfo.InvariantCulture,
                        $"| processor's own append → commit p50 / p99 ms (its last 8 192 records, all datasets) | {stats.FreshnessP50.TotalMilliseconds:F0} / {stats.FreshnessP99.TotalMilliseconds:F0} | | | |"));
                }
            }
            else
            {
                report.AppendLine($"| freshness | not measured: {host.Backends.Describe("warehouse")} | | | ≤ 500 ms p99 |");
            }
        }
        finally
        {
            try
            {
                Directory.Delete(dataDir, recursive: true);
            }
            catch (IOException)
            {
            }
        }
        Console.WriteLine(report);
        if (output is not null)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(output))!);
            await File.AppendAllTextAsync(output, report + Environment.NewLine, ct);
        }
        return 0;
    }

    internal static string Order(string id) =>
        $"{{\"InvoiceNo\":\"{id}\",\"StockCode\":\"85123A\",\"Description\":\"WHITE HANGING HEART T-LIGHT HOLDER\",\"Quantity\":6,\"InvoiceDate\":\"2010-12-01T08:26:00Z\",\"UnitPrice\":2.55,\"CustomerID\":17850,\"Country\":\"United Kingdom\"}}";

    private static byte[] Ndjson(IEnumerable<string> lines) => Encoding.UTF8.GetBytes(string.Join('\n', lines) + "\n");
}
