using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Emporium.Bench.Ingest;
using Emporium.Datasets;
using Emporium.Lake.Local;
using Emporium.Log;
using Emporium.Log.Embedded;
using Emporium.Processing;
using Emporium.Warehouse.DuckDb;

namespace Emporium.Bench.Processing;

/// <summary><c>freshness [--seconds N] [--rate N] [--max-batch N] [--tagged] [--compaction-interval S] [--out FILE]</c>: the stream processor alone (default options, embedded
/// log, DuckDB, local lake; no HTTP, no ingest pipeline in the process) while orders are appended to the log at a fixed
/// rate in batches of 1 000 and a keyed categories probe every 25 ms. Reports each probe's append → visible in the
/// warehouse time, the processor's own append → commit quantiles over its last 8 192 records, and the rate it
/// committed. Isolates the processor's share of the ingest suite's freshness. <c>--tagged</c> gives every order its own
/// ingest tag, as if every request had an Idempotency-Key, and turns the claims on (the cost of
/// <see cref="RetriedRecords"/>, which the embedded log does not need but Kafka does). <c>--compaction-interval</c> sets how
/// often lake compaction passes start (seconds; 0 turns it off; default the processor's own), to see what the merges
/// running beside the batches cost the freshness.</summary>
public sealed class FreshnessBenchmarkSuite : IBenchmarkSuite
{
    private const int BatchSize = 1000;
    private static readonly TimeSpan ProbeInterval = TimeSpan.FromMilliseconds(25);

    public string Name => "freshness";

    public string Description => "Stream processor alone: append → visible p50/p99 of probes at a fixed offered orders rate";

    public async Task<int> RunAsync(string[] args, CancellationToken ct)
    {
        var seconds = double.Parse(BenchStats.Arg(args, "--seconds") ?? "5", CultureInfo.InvariantCulture);
        var rate = double.Parse(BenchStats.Arg(args, "--rate") ?? "10000", CultureInfo.InvariantCulture);
        var output = BenchStats.Arg(args, "--out");
        var defaults = new StreamProcessorOptions();
        var maxBatch = int.Parse(BenchStats.Arg(args, "--max-batch") ?? defaults.MaxBatchRecords.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
        var tagged = args.Contains("--tagged");
        var compaction = BenchStats.Arg(args, "--compaction-interval") is { } every
            ? double.Parse(every, CultureInfo.InvariantCulture) is var s and > 0
                ? defaults.Compaction with { Interval = TimeSpan.FromSeconds(s) }
                : defaults.Compaction with { Enabled = false }
            : defaults.Compaction;
        var dir = Path.Combine(Path.GetTempPath(), $"emporium-bench-freshness-{Guid.NewGuid():N}");
        try
        {
            await using var log = await EmbeddedEventLog.OpenAsync(new EmbeddedLogOptions { Directory = Path.Combine(dir, "log") }, ct: ct);
            await using var warehouse = new DuckDbWarehouse(new DuckDbWarehouseOptions { Path = Path.Combine(dir, "warehouse.duckdb") });
            var lake = new LocalLakeStore(Path.Combine(dir, "lake"));
            await using var processor = new StreamProcessor(log, warehouse, lake, defaults with { TempDirectory = Path.Combine(dir, "tmp"), MaxBatchRecords = maxBatch, DropRetriedRecords = tagged, Compaction = compaction });
            await processor.StartAsync(ct);

            // Tagged orders are never appended twice: every append of the run has its own batch (and tags).
            var batches = tagged ? (int)Math.Ceiling(rate * seconds / BatchSize) + 2 : 16;
            var orders = Enumerable.Range(0, batches).Select(b => Enumerable.Range(0, BatchSize)
                .Select(i => Message(DatasetCatalog.Orders, IngestBenchmark.Order($"F{b}-{i}"), tagged ? $"{b:x32}:{0:x32}:{i}" : null)).ToList()).ToList();
            // Warm up (JIT, tables, first files) before measuring.
            await log.AppendAsync(DatasetCatalog.Orders.Name, orders[0], ct);
            await log.AppendAsync(DatasetCatalog.Categories.Name, [Message(DatasetCatalog.Categories, """{"id":1,"category_name":"warm-up"}""")], ct);
            while ((await processor.GetLagAsync(ct)).Values.Sum() > 0)
            {
                await Task.Delay(20, ct);
            }

            var before = processor.Stats.Records;
            var acked = new ConcurrentDictionary<long, long>();
            var samples = new ConcurrentBag<double>();
            using var sending = new CancellationTokenSource();
            var checker = FreshnessProbe.CheckAsync(warehouse, acked, samples, sending.Token, ct);
            var clock = Stopwatch.StartNew();
            var load = Task.Run(async () =>
            {
                var interval = TimeSpan.FromSeconds(BatchSize / rate);
                for (var (i, next) = (0, TimeSpan.Zero); clock.Elapsed.TotalSeconds < seconds; i++, next += interval)
                {
                    if (next > clock.Elapsed)
                    {
                        await Task.Delay(next - clock.Elapsed, ct);
                    }
                    await log.AppendAsync(DatasetCatalog.Orders.Name, orders[i % orders.Count], ct);
                }
            }, ct);
            for (var next = TimeSpan.Zero; clock.Elapsed.TotalSeconds < seconds; next += ProbeInterval)
            {
                if (next > clock.Elapsed)
                {
                    await Task.Delay(next - clock.Elapsed, ct);
                }
                var id = 1_000_000_000L + Random.Shared.NextInt64(1_000_000_000L);
                await log.AppendAsync(DatasetCatalog.Categories.Name,
                    [Message(DatasetCatalog.Categories, $$"""{"id":{{id}},"category_name":"freshness probe"}""")], ct);
                acked[id] = Stopwatch.GetTimestamp();
            }
            await load;
            var elapsed = clock.Elapsed.TotalSeconds;
            await sending.CancelAsync();
            await checker;
            var stats = processor.Stats;
            var result = new FreshnessProbe.Result([.. samples], acked.Count, 0, TimeSpan.Zero, 0, (stats.Records - before) / elapsed, stats);

            var report = new StringBuilder();
            report.AppendLine(CultureInfo.InvariantCulture, $"## Processor freshness ({DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC)");
            report.AppendLine();
            report.AppendLine(CultureInfo.InvariantCulture, $"Machine: {BenchStats.DescribeMachine()}; 1-minute load average at the end {BenchStats.LoadAverage().Split(' ')[0]}. {seconds}s at {rate:N0} orders/s offered (batches of {BatchSize}) + a categories probe every {ProbeInterval.TotalMilliseconds:F0} ms, appended straight to the embedded log; processor with default options{(tagged ? "; every order with its own ingest tag" : "")}; lake compaction {(compaction.Enabled ? $"every {compaction.Interval.TotalSeconds:0.#} s" : "off")}.");
            report.AppendLine();
            report.AppendLine("| measure | value |");
            report.AppendLine("|---|---|");
            report.AppendLine(CultureInfo.InvariantCulture, $"| entries committed per s | {result.ProcessedPerSecond:N0} |");
            report.AppendLine(CultureInfo.InvariantCulture, $"| probe append → visible p50 / p99 ms ({result.Samples.Count} seen, {result.Lost} not within 5 s) | {result.Percentile(50):F0} / {result.Percentile(99):F0} |");
            report.AppendLine(CultureInfo.InvariantCulture, $"| processor's own append → commit p50 / p99 ms (last 8 192 records) | {stats.FreshnessP50.TotalMilliseconds:F0} / {stats.FreshnessP99.TotalMilliseconds:F0} |");
            report.AppendLine(CultureInfo.InvariantCulture, $"| lake merges published / files they replaced | {stats.LakeCompactions:N0} / {stats.LakeFilesCompacted:N0} |");
            Console.WriteLine(report);
            if (output is not null)
            {
                await File.AppendAllTextAsync(output, report + Environment.NewLine, ct);
            }
            await processor.StopAsync(ct);
        }
        finally
        {
            try
            {
                Directory.Delete(dir, recursive: true);
            }
            catch (IOException)
            {
            }
        }
        return 0;
    }

    /// <summary>A log message as ingest appends it: the normalized record's canonical JSON (with the ingest tag of a
    /// request sent with an Idempotency-Key, if given), keyed.</summary>
    private static LogMessage Message(DatasetSchema schema, string json, string? tag = null)
    {
        using var document = JsonDocument.Parse(json);
        var record = RecordNormalizer.Instance.Normalize(schema, document.RootElement).Record
            ?? throw new InvalidOperationException($"not a valid {schema.Name} record: {json}");
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            CanonicalJson.Write(writer, record, tag);
        }
        return new LogMessage(record.Key, buffer.WrittenSpan.ToArray());
    }
}
