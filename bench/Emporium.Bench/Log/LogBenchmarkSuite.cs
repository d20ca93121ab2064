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
    ];

    public async Task<int> RunAsync(string[] args, CancellationToken ct)
    {
        var seconds = DoubleArg(args, "--seconds", 1.5);
        var rounds = (int)DoubleArg(args, "--rounds", 3);
        var output = StringArg(args, "--out") ?? DefaultOutput();
        var root = Path.Combine(Path.GetTempPath(), $"emporium-bench-log-{Guid.NewGuid():N}");
        var payloads = Payloads(4096);
        var rows = new List<Row>();
        Console.WriteLine(BenchStats.DescribeMachine());
        try
        {
            foreach (var (appenders, batchSize, scenario) in Scenarios)
            {
                var engines = new Func<string, Task<IDurableAppender>>[]
                {
                    async dir => await SegmentLogAppender.OpenAsync(dir, 1, ct),
                    async dir => await SegmentLogAppender.OpenAsync(dir, 4, ct),
                    async dir => await FasterLogAppender.OpenAsync(dir),
                };
                foreach (var open in engines)
                {
                    var dir = Path.Combine(root, Guid.NewGuid().ToString("N"));
                    Directory.CreateDirectory(dir);
                    await using var engine = await open(dir);
                    var row = await MeasureAsync(engine, scenario, appenders, batchSize, payloads, seconds, rounds, ct);
                    rows.Add(row);
                    Console.WriteLine($"{row.Scenario} | {row.Engine}: {row.EventsPerSecond:N0} events/s, p50 {row.P50Ms:F2} ms, p99 {row.P99Ms:F2} ms{(row.AppendsPerSync is { } a ? $", {a:F1} appends/fsync" : "")}");
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

        var report = Report(rows, seconds, rounds);
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

    private static async Task<Row> MeasureAsync(IDurableAppender engine, string scenario, int appenders, int batchSize,
        LogMessage[] payloads, double seconds, int rounds, CancellationToken ct)
    {
        var latencies = new List<double>();
        long syncsBefore = 0;
        long appendsMeasured = 0;
        var rates = await BenchStats.RatesAsync(1, rounds, async round =>
        {
            if (round == 0)
            {
                syncsBefore = engine.Syncs ?? 0;
            }

            var measured = round >= 0;
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
            if (measured)
            {
                lock (latencies)
                {
                    foreach (var (_, local) in results)
                    {
                        latencies.AddRange(local);
                        appendsMeasured += local.Count;
                    }
                }
            }

            return results.Sum(r => r.events);
        });
        latencies.Sort();
        double? appendsPerSync = engine.Syncs is { } syncs && syncs > syncsBefore ? (double)appendsMeasured / (syncs - syncsBefore) : null;
        return new Row(scenario, engine.Name, BenchStats.Median(rates), Percentile(latencies, 0.50), Percentile(latencies, 0.99), appendsPerSync);
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
        sb.AppendLine(CultureInfo.InvariantCulture, $"Run: {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, `dotnet run -c Release --project bench/Emporium.Bench -- log`; per scenario and engine one warmup round then {rounds} rounds of {seconds:0.##} s, median events/s; latency percentiles over all measured appends.");
        sb.AppendLine("Every append returns only once durable: the segment log fsyncs (group commit), FasterLog auto-commits (write-through device + commit record). Payload: ~300-byte review JSON keyed by product id.");
        sb.AppendLine();
        sb.AppendLine("| Scenario | Engine | events/s (median) | ratio to FasterLog | append p50 ms | append p99 ms | appends per fsync |");
        sb.AppendLine("|---|---|---:|---:|---:|---:|---:|");
        foreach (var group in rows.GroupBy(r => r.Scenario))
        {
            var faster = group.FirstOrDefault(r => r.Engine.StartsWith("FasterLog", StringComparison.Ordinal))?.EventsPerSecond;
            foreach (var row in group)
            {
                var ratio = faster is > 0 ? $"{row.EventsPerSecond / faster.Value:F2}×" : "";
                sb.AppendLine(CultureInfo.InvariantCulture,
                    $"| {row.Scenario} | {row.Engine} | {row.EventsPerSecond:N0} | {ratio} | {row.P50Ms:F2} | {row.P99Ms:F2} | {(row.AppendsPerSync is { } a ? a.ToString("F1", CultureInfo.InvariantCulture) : "n/a")} |");
            }
        }

        return sb.ToString();
    }

    private static string? DefaultOutput()
    {
        var dir = new DirectoryInfo(Environment.CurrentDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Emporium.sln")))
        {
            dir = dir.Parent;
        }

        return dir is null ? null : Path.Combine(dir.FullName, "bench", "results", $"log-{BenchStats.MachineId()}.md");
    }

    private static double DoubleArg(string[] args, string name, double fallback)
    {
        var value = StringArg(args, name);
        return value is null ? fallback : double.Parse(value, CultureInfo.InvariantCulture);
    }

    private static string? StringArg(string[] args, string name)
    {
        var at = Array.IndexOf(args, name);
        return at >= 0 && at + 1 < args.Length ? args[at + 1] : null;
    }

    private sealed record Row(string Scenario, string Engine, double EventsPerSecond, double P50Ms, double P99Ms, double? AppendsPerSync);
}
