using System.Buffers;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Emporium.Datasets;
using Emporium.Ingest;
using Emporium.Log;

namespace Emporium.Bench.Ingest;

/// <summary><c>ingest-stages</c>: where the CPU of the ingest path goes, per record, on one thread, for the same
/// 1000-order NDJSON body the <c>ingest</c> suite posts: body parsing, normalization, canonical serialization (with
/// the partition key), the whole <see cref="IngestPipeline"/> over a log that only counts, and the processor's
/// decode of the canonical JSON. Peer in the same run: one <see cref="Utf8JsonReader"/> pass over the body (the least
/// any JSON ingest can do). Options: <c>--rounds N</c> (default 7), <c>--out FILE</c> (markdown appended).</summary>
public sealed class IngestStagesBenchmark : IBenchmarkSuite
{
    private const int BatchRecords = 1000;
    private const int BatchesPerRound = 100;

    public string Name => "ingest-stages";

    public string Description => "µs and bytes per record of each ingest stage (parse, normalize, serialize, pipeline, decode) vs one JSON reader pass";

    public async Task<int> RunAsync(string[] args, CancellationToken ct)
    {
        var rounds = int.Parse(BenchStats.Arg(args, "--rounds") ?? "7", CultureInfo.InvariantCulture);
        var output = BenchStats.Arg(args, "--out");
        var body = Encoding.UTF8.GetBytes(string.Join('\n', Enumerable.Range(0, BatchRecords).Select(i => IngestBenchmark.Order($"N{i}"))) + "\n");
        var schema = DatasetCatalog.Orders;
        var parsed = IngestBodyParser.Parse(body, BodyFormat.NdJson);
        var records = parsed.Select(r => IngestBodyParser.Normalize(r, schema, RecordNormalizer.Instance, out _)!.Record!).ToList();
        var canonical = records.Select(CanonicalJson.Serialize).ToList();
        var log = new CountingLog();
        var pipeline = new IngestPipeline(log, RecordNormalizer.Instance, new IngestStats(new IngestOptions(), TimeProvider.System), TimeProvider.System);
        var load = BenchStats.LoadAverage().Split(' ')[0];

        var stages = new List<(string Name, Func<Task> Batch)>
        {
            ("peer: one Utf8JsonReader pass over the body", () => { var r = new Utf8JsonReader(body, new JsonReaderOptions { AllowMultipleValues = true }); while (r.Read()) { } return Task.CompletedTask; }),
            ("parse body into records (IngestBodyParser)", () => { _ = IngestBodyParser.Parse(body, BodyFormat.NdJson); return Task.CompletedTask; }),
            ("read + normalize each record (IngestBodyParser.Normalize → RecordNormalizer)", () => { foreach (var r in parsed) { _ = IngestBodyParser.Normalize(r, schema, RecordNormalizer.Instance, out _); } return Task.CompletedTask; }),
            ("serialize canonical JSON + key", () =>
            {
                var buffer = new ArrayBufferWriter<byte>(BatchRecords * 256);
                using var writer = new Utf8JsonWriter(buffer);
                foreach (var r in records) { _ = r.Key; CanonicalJson.Write(writer, r); writer.Flush(); writer.Reset(); }
                return Task.CompletedTask;
            }),
            ("whole pipeline, parse → append to a no-op log", async () => await pipeline.IngestAsync(schema, IngestBodyParser.Parse(body, BodyFormat.NdJson), "bench", ct)),
            ("processor decode (CanonicalJson.Deserialize)", () => { foreach (var c in canonical) { _ = CanonicalJson.Deserialize(schema, c); } return Task.CompletedTask; }),
        };

        var report = new StringBuilder()
            .AppendLine(CultureInfo.InvariantCulture, $"## Ingest stages ({DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC)")
            .AppendLine()
            .AppendLine(CultureInfo.InvariantCulture, $"Machine: {BenchStats.DescribeMachine()}; 1-minute load average at the start {load}. Stages on one thread, except the whole-pipeline row, whose normalization runs in a Parallel.For (batches of 256 records or more), so its time per record includes scheduling on both (shared) cores; {BatchesPerRound} batches of {BatchRecords} orders per round, 1 warmup + {rounds} rounds, median. `dotnet run -c Release --project bench/Emporium.Bench -- ingest-stages`.")
            .AppendLine()
            .AppendLine("| stage | µs/record | records/s | × peer time | bytes allocated/record |")
            .AppendLine("|---|---:|---:|---:|---:|");
        double? peer = null;
        foreach (var (name, batch) in stages)
        {
            var times = new List<double>();
            long bytes = 0;
            for (var round = -1; round < rounds; round++)
            {
                var total = GC.GetTotalAllocatedBytes(precise: false);
                var sw = Stopwatch.StartNew();
                for (var b = 0; b < BatchesPerRound; b++)
                {
                    await batch();
                }
                var micros = sw.Elapsed.TotalMicroseconds / (BatchesPerRound * BatchRecords);
                if (round >= 0)
                {
                    times.Add(micros);
                    bytes = (GC.GetTotalAllocatedBytes(precise: false) - total) / (BatchesPerRound * BatchRecords);
                }
            }
            var median = BenchStats.Median(times);
            peer ??= median;
            report.AppendLine(CultureInfo.InvariantCulture, $"| {name} | {median:F2} | {1e6 / median:N0} | {median / peer.Value:F1} | {bytes:N0} |");
            Console.WriteLine($"{name}: {median:F2} µs/record, {bytes} B/record");
        }
        Console.WriteLine(report);
        if (output is not null)
        {
            await File.AppendAllTextAsync(output, report + Environment.NewLine, ct);
        }
        return 0;
    }

    /// <summary>A log that accepts and counts: the pipeline's own cost without the disk.</summary>
    private sealed class CountingLog : IEventLog
    {
        private long _next;

        public string Describe => "counting";

        public ValueTask EnsureTopicAsync(string topic, int partitions, CancellationToken ct) => ValueTask.CompletedTask;

        public ValueTask<IReadOnlyList<LogPosition>> AppendAsync(string topic, IReadOnlyList<LogMessage> messages, CancellationToken ct)
        {
            var positions = new LogPosition[messages.Count];
            for (var i = 0; i < positions.Length; i++)
            {
                positions[i] = new LogPosition(new TopicPartition(topic, 0), Interlocked.Increment(ref _next));
            }
            return ValueTask.FromResult<IReadOnlyList<LogPosition>>(positions);
        }

        public ValueTask<IReadOnlyDictionary<TopicPartition, long>> GetEndOffsetsAsync(string topic, CancellationToken ct) =>
            ValueTask.FromResult<IReadOnlyDictionary<TopicPartition, long>>(new Dictionary<TopicPartition, long>());

        public ILogConsumer OpenConsumer(string group, IReadOnlyCollection<string> topics) => throw new NotSupportedException();

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
