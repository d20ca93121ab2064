using System.Diagnostics;
using System.Globalization;
using System.Text;
using Emporium.Log;

namespace Emporium.Bench.Log;

/// <summary>Durable appends: the embedded segment log against FasterLog, same payloads, same "returns once on disk"
/// contract, concurrent appenders. Options: <c>--seconds S</c> per round (default 1.5), <c>--rounds N</c> (default 3,
/// after one warmup round), <c>--out FILE</c> (default bench/results/log-&lt;machine&gt;.md when run from the repo).</summary>
public sealed class LogBenchmarkSuite : IBenchmarkSuite
{
    public string Name => "log";

    public string Description => "durable appends/s: embedded segment log vs FasterLog";

    private static readonly (int Appenders, int BatchSize, string Scenario)[] Scenarios =
    [
        (1, 1, "1 appender, 1 event per append (latency bound)"),
        (64, 1, "64 appenders, 1 event per append (single POSTs)"),
        (4, 100, "4 appenders, 100 events per append (NDJSON batches)"),
        (16, 1000, "16 appenders, 1000 events per append (large NDJSON batches)"),
    ];

    public async Task<int> RunAsync(string[] args, CancellationToken ct)
    {
        var seconds = DoubleArg(args, "--seconds", 1.5);
        var rounds = (int)DoubleArg(args, "--rounds", 3);
        var output = BenchStats.Arg(args, "--out") ?? BenchStats.DefaultResultsPath("log");
        var root = Path.Combine(Path.GetTempPath(), $"emporium-bench-log-{Guid.NewGuid():N}");
        var payloads = Payloads(4096);
        var rows = new List<Row>();
        Console.WriteLine(BenchStats.DescribeMachine());
        try
        {
            foreach (var (appenders, batchSize, scenario) in args.Contains("--replay-only") ? [] : Scenarios)
            {
                var engines = new List<IDurableAppender>();
                try
                {
                    engines.Add(await SegmentLogAppender.OpenAsync(NewDir(root), 1, ct));
                    engines.Add(await SegmentLogAppender.OpenAsync(NewDir(root), 4, ct));
                    engines.Add(await FasterLogAppender.OpenAsync(NewDir(root), commitLoop: false));
                    engines.Add(await FasterLogAppender.OpenAsync(NewDir(root), commitLoop: true));
                    foreach (var row in await MeasureAsync(engines, scenario, appenders, batchSize, payloads, seconds, rounds, ct))
                    {
                        rows.Add(row);
                        Console.WriteLine($"{row.Scenario} | {row.Engine}: {row.EventsPerSecond:N0} events/s, p50 {row.P50Ms:F2} ms, p99 {row.P99Ms:F2} ms{(row.AppendsPerSync is { } a ? $", {a:F1} appends/fsync" : "")}");
                    }
                }
                finally
                {
                    foreach (var engine in engines)
                    {
                        await engine.DisposeAsync();
                    }
                }
            }
        }
        finally
        {
            try
            {
                Directory.Delete(root, recursive: true);
            }
            catch (IOException)
            {
                // Temp space; the OS cleans it.
            }
        }

        var replay = await MeasureReplayAsync(root, payloads, ct);
        Console.WriteLine($"replay: {replay:N0} events/s");
        var report = Report(rows, seconds, rounds) + Environment.NewLine +
                     $"Replay (segment log, 4 partitions, 200,000 events written then fetched from offset 0 in batches of 1,000 by one consumer, page cache warm): {replay:N0} events/s." + Environment.NewLine;
        Console.WriteLine();
        Console.WriteLine(report);
        if (output is not null)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(output))!);
            await File.WriteAllTextAsync(output, report, ct);
            Console.WriteLine($"Written to {output}");
        }

        return 0;
    }

    /// <summary>Runs every engine once per round, in a rotating order, so a noisy neighbour slows all engines
    /// alike instead of one; returns per engine the median rate and the latency percentiles.</summary>
    private static async Task<List<Row>> MeasureAsync(List<IDurableAppender> engines, string scenario, int appenders, int batchSize,
        LogMessage[] payloads, double seconds, int rounds, CancellationToken ct)
    {
        var rates = engines.Select(_ => new List<double>()).ToArray();
        var latencies = engines.Select(_ => new List<double>()).ToArray();
        var syncs = new long[engines.Count];
        var appends = new long[engines.Count];
        for (var round = -1; round < rounds; round++)
        {
            for (var k = 0; k < engines.Count; k++)
            {
                var e = (k + Math.Max(round, 0)) % engines.Count;
                var syncsBefore = engines[e].Syncs ?? 0;
                var sw = Stopwatch.StartNew();
                var (events, local) = await RunRoundAsync(engines[e], appenders, batchSize, payloads, seconds, ct);
                var elapsed = sw.Elapsed.TotalSeconds;
                if (round < 0)
                {
                    continue; // warmup: JIT, file creation, page cache
                }

                rates[e].Add(events / elapsed);
                latencies[e].AddRange(local);
                appends[e] += local.Count;
                syncs[e] += (engines[e].Syncs ?? 0) - syncsBefore;
            }
        }

        return [.. engines.Select((engine, e) =>
        {
            latencies[e].Sort();
            double? perSync = engine.Syncs is not null && syncs[e] > 0 ? (double)appends[e] / syncs[e] : null;
            return new Row(scenario, engine.Name, BenchStats.Median(rates[e]), Percentile(latencies[e], 0.50), Percentile(latencies[e], 0.99), perSync);
        })];
    }

    private static async Task<(long Events, List<double> Latencies)> RunRoundAsync(IDurableAppender engine, int appenders, int batchSize,
        LogMessage[] payloads, double seconds, CancellationToken ct)
    {
        var stopAt = Stopwatch.GetTimestamp() + (long)(seconds * Stopwatch.Frequency);
        var workers = Enumerable.Range(0, appenders).Select(w => Task.Run(async () =>
        {
            var local = new List<double>();
            long events = 0;
            var next = w * 7919;
            var batch = new LogMessage[batchSize];
            while (Stopwatch.GetTimestamp() < stopAt)
            {
                for (var i = 0; i < batchSize; i++)
                {
                    batch[i] = payloads[next++ % payloads.Length];
                }

                var started = Stopwatch.GetTimestamp();
                await engine.AppendAsync(batch, ct);
                local.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                events += batchSize;
            }

            return (events, local);
        }, ct)).ToArray();
        var results = await Task.WhenAll(workers);
        return (results.Sum(r => r.events), [.. results.SelectMany(r => r.local)]);
    }

    /// <summary>Reading back (replay from offset 0): the processor's catch-up speed after downtime.</summary>
    private static async Task<double> MeasureReplayAsync(string root, LogMessage[] payloads, CancellationToken ct)
    {
        await using var log = await Emporium.Log.Embedded.EmbeddedEventLog.OpenAsync(new Emporium.Log.Embedded.EmbeddedLogOptions
        {
            Directory = NewDir(root),
            Retention = new Emporium.Log.Embedded.LogRetentionOptions { CheckInterval = null },
        }, ct: ct);
        await log.EnsureTopicAsync("replay", 4, ct);
        const int total = 200_000;
        for (var i = 0; i < total; i += 1000)
        {
            await log.AppendAsync("replay", [.. Enumerable.Range(i, 1000).Select(j => payloads[j % payloads.Length])], ct);
        }

        var rates = new List<double>();
        for (var round = 0; round < 3; round++)
        {
            await using var consumer = log.OpenConsumer($"replay{round}", ["replay"]);
            var positions = new Dictionary<TopicPartition, long>();
            var sw = Stopwatch.StartNew();
            var read = 0;
            while (read < total)
            {
                var batch = await consumer.FetchAsync(positions, 1000, TimeSpan.Zero, ct);
                foreach (var entry in batch)
                {
                    positions[entry.Position] = entry.Offset + 1;
                }

                read += batch.Count;
            }

            rates.Add(read / sw.Elapsed.TotalSeconds);
        }

        return BenchStats.Median(rates);
    }

    private static string NewDir(string root)
    {
        var dir = Path.Combine(root, Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        return dir;
    }

    private static double Percentile(List<double> sorted, double p) =>
        sorted.Count == 0 ? double.NaN : sorted[Math.Min(sorted.Count - 1, (int)(p * sorted.Count))];

    /// <summary>Review-like JSON payloads (about 300 bytes) keyed by product id.</summary>
    private static LogMessage[] Payloads(int count)
    {
        var random = new Random(42);
        return [.. Enumerable.Range(0, count).Select(i =>
        {
            var asin = $"B0{random.Next(0, 10_000):D8}";
            var json = $$"""{"asin":"{{asin}}","reviewerID":"A{{random.Next():X8}}","overall":{{random.Next(1, 6)}}.0,"summary":"Review {{i}}","reviewText":"{{new string('x', random.Next(120, 220))}}","unixReviewTime":{{1_400_000_000 + i}}}""";
            return new LogMessage(asin, Encoding.UTF8.GetBytes(json));
        })];
    }

    private static string Report(List<Row> rows, double seconds, int rounds)
    {
        var sb = new StringBuilder();
        sb.AppendLine("# Durable log appends: embedded segment log vs FasterLog");
        sb.AppendLine();
        sb.AppendLine(CultureInfo.InvariantCulture, $"Machine: {BenchStats.DescribeMachine()}.");
        sb.AppendLine(CultureInfo.InvariantCulture, $"Run: {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, `dotnet run -c Release --project bench/Emporium.Bench -- log`; per scenario one warmup round then {rounds} rounds; each round runs every engine for {seconds:0.##} s in a rotating order (so noise from other tenants hits all engines alike); median events/s; latency percentiles over all measured appends.");
        sb.AppendLine("Every append returns only once durable: the segment log fsyncs (group commit), FasterLog auto-commits (write-through device + commit record). Payload: ~300-byte review JSON keyed by product id.");
        sb.AppendLine();
        sb.AppendLine("| Scenario | Engine | events/s (median) | ratio to best FasterLog | append p50 ms | append p99 ms | appends per fsync |");
        sb.AppendLine("|---|---|---:|---:|---:|---:|---:|");
        foreach (var group in rows.GroupBy(r => r.Scenario))
        {
            // Against the better of the two FasterLog commit modes, so the comparison is with FasterLog at its best.
            var faster = group.Where(r => r.Engine.StartsWith("FasterLog", StringComparison.Ordinal)).Select(r => (double?)r.EventsPerSecond).Max();
            foreach (var row in group)
            {
                var ratio = faster is > 0 ? $"{row.EventsPerSecond / faster.Value:F2}×" : "";
                sb.AppendLine(CultureInfo.InvariantCulture,
                    $"| {row.Scenario} | {row.Engine} | {row.EventsPerSecond:N0} | {ratio} | {row.P50Ms:F2} | {row.P99Ms:F2} | {(row.AppendsPerSync is { } a ? a.ToString("F1", CultureInfo.InvariantCulture) : "n/a")} |");
            }
        }

        return sb.ToString();
    }

    private static double DoubleArg(string[] args, string name, double fallback)
    {
        var value = BenchStats.Arg(args, name);
        return value is null ? fallback : double.Parse(value, CultureInfo.InvariantCulture);
    }

    private sealed record Row(string Scenario, string Engine, double EventsPerSecond, double P50Ms, double P99Ms, double? AppendsPerSync);
}
