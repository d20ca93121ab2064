using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Emporium.Datasets;
using Emporium.Demo;
using Sylvan.Data.Csv;

namespace Emporium.Bench.Datasets;

/// <summary>Normalizer cost per record on one core, against its peer in the same run: parsing the same JSON line
/// (which ingest pays anyway). Inputs are the real samples (found beside the repository or via EMPORIUM_SAMPLES),
/// else generated demo data. Options: <c>--rounds N</c> (default 5), <c>--out FILE</c> (default
/// bench/results/normalize-&lt;machine&gt;.md when run from the repo).</summary>
public sealed class NormalizerBenchmarkSuite : IBenchmarkSuite
{
    private const int TargetRecords = 200_000;

    public string Name => "normalize";

    public string Description => "records/s of RecordNormalizer vs JSON parsing alone, allocations per record";

    public Task<int> RunAsync(string[] args, CancellationToken ct)
    {
        var rounds = int.Parse(BenchStats.Arg(args, "--rounds") ?? "5", CultureInfo.InvariantCulture);
        var output = BenchStats.Arg(args, "--out") ?? BenchStats.DefaultResultsPath("normalize");
        var samples = LocateSamples();
        var load = BenchStats.LoadAverage();
        Console.WriteLine(BenchStats.DescribeMachine());
        var rows = new List<string>();

        foreach (var (label, schema, lines) in JsonInputs(samples))
        {
            ct.ThrowIfCancellationRequested();
            var parse = Measure(rounds, lines, line =>
            {
                using var doc = JsonDocument.Parse(line);
                return doc.RootElement.ValueKind == JsonValueKind.Object;
            });
            var normalize = Measure(rounds, lines, line =>
            {
                using var doc = JsonDocument.Parse(line);
                return RecordNormalizer.Instance.Normalize(schema, doc.RootElement).IsValid;
            });
            var extraMicros = (1e6 / normalize.Rate) - (1e6 / parse.Rate);
            rows.Add(string.Create(CultureInfo.InvariantCulture,
                $"| {label} (JSON) | {parse.Rate:N0} | {normalize.Rate:N0} | {normalize.Rate / parse.Rate:F2}× | {extraMicros:F2} | {normalize.BytesPerRecord - parse.BytesPerRecord:N0} |"));
            Console.WriteLine(rows[^1]);
        }

        foreach (var (label, schema, records) in CsvInputs(samples))
        {
            ct.ThrowIfCancellationRequested();
            var normalize = Measure(rounds, records, row => RecordNormalizer.Instance.Normalize(schema, row).IsValid);
            rows.Add(string.Create(CultureInfo.InvariantCulture,
                $"| {label} (CSV row) | n/a | {normalize.Rate:N0} | n/a | {1e6 / normalize.Rate:F2} | {normalize.BytesPerRecord:N0} |"));
            Console.WriteLine(rows[^1]);
        }

        var report = new StringBuilder()
            .AppendLine("# Record normalizer throughput")
            .AppendLine()
            .AppendLine(CultureInfo.InvariantCulture, $"Machine: {BenchStats.DescribeMachine()}.")
            .AppendLine(CultureInfo.InvariantCulture, $"Run: {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, `dotnet run -c Release --project bench/Emporium.Bench -- normalize`; one thread; each input repeated to about {TargetRecords:N0} records per round, one warmup round then {rounds} rounds, median. Inputs: {(samples is null ? "generated demo data" : "the real samples")}.")
            .AppendLine(CultureInfo.InvariantCulture, $"Load average when the run started (shared machine): {load}. Compare ratios, not absolute rates, across runs.")
            .AppendLine("Peer: `JsonDocument.Parse` of the same line, which ingest pays anyway. \"Normalizer µs\" is the extra time per record (for CSV rows, the whole normalize call); \"bytes\" is the extra managed allocation per record (the record's values array, boxed numbers and kept strings).")
            .AppendLine()
            .AppendLine("| Input | parse only rec/s | parse + normalize rec/s | ratio | normalizer µs/rec | normalizer bytes/rec |")
            .AppendLine("|---|---:|---:|---:|---:|---:|");
        foreach (var row in rows)
        {
            report.AppendLine(row);
        }
        Console.WriteLine();
        Console.WriteLine(report);
        if (output is not null)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(output))!);
            File.WriteAllText(output, report.ToString());
            Console.WriteLine($"Written to {output}");
        }
        return Task.FromResult(0);
    }

    private static (double Rate, double BytesPerRecord) Measure<T>(int rounds, IReadOnlyList<T> inputs, Func<T, bool> work)
    {
        var repeat = Math.Max(1, TargetRecords / inputs.Count);
        var rates = new List<double>();
        var bytes = new List<double>();
        for (var round = -1; round < rounds; round++)
        {
            var valid = 0L;
            var allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
            var sw = Stopwatch.StartNew();
            for (var r = 0; r < repeat; r++)
            {
                foreach (var input in inputs)
                {
                    valid += work(input) ? 1 : 0;
                }
            }
            sw.Stop();
            var count = (double)repeat * inputs.Count;
            if (round >= 0)
            {
                rates.Add(count / sw.Elapsed.TotalSeconds);
                bytes.Add((GC.GetAllocatedBytesForCurrentThread() - allocatedBefore) / count);
            }
            GC.KeepAlive(valid);
        }
        return (BenchStats.Median(rates), BenchStats.Median(bytes));
    }

    private static IEnumerable<(string, DatasetSchema, List<byte[]>)> JsonInputs(string? samples)
    {
        if (samples is not null)
        {
            yield return ("McAuley reviews", DatasetCatalog.Reviews, Lines(Path.Combine(samples, "amazon-reviews-mcauley-fashion", "AMAZON_FASHION_5.json")));
            yield return ("seed product payloads", DatasetCatalog.Products, Lines(Path.Combine(samples, "amazon-products-asaniczka", "amazon_products_small.txt")));
        }
        foreach (var dataset in new[] { "products", "reviews", "orders" })
        {
            var schema = DatasetCatalog.Find(dataset)!;
            yield return ($"demo {dataset}", schema, DemoGenerators.Records(dataset, 5000).Select(CanonicalJson.Serialize).ToList());
        }
    }

    private static IEnumerable<(string, DatasetSchema, List<Dictionary<string, string?>>)> CsvInputs(string? samples)
    {
        if (samples is null)
        {
            yield break;
        }
        yield return ("UCI orders", DatasetCatalog.Orders, Csv(Path.Combine(samples, "uci-online-retail-sample", "online_retail_sample.csv")));
        yield return ("asaniczka products", DatasetCatalog.Products, Csv(Path.Combine(samples, "amazon-products-asaniczka", "amazon_products_small.csv")));
    }

    private static List<byte[]> Lines(string path) =>
        File.ReadLines(path).Where(l => l.Trim().Length > 0).Select(Encoding.UTF8.GetBytes).ToList();

    private static List<Dictionary<string, string?>> Csv(string path)
    {
        using var reader = CsvDataReader.Create(path);
        var rows = new List<Dictionary<string, string?>>();
        while (reader.Read())
        {
            var row = new Dictionary<string, string?>(StringComparer.Ordinal);
            for (var i = 0; i < reader.FieldCount; i++)
            {
                row[reader.GetName(i)] = reader.GetString(i);
            }
            rows.Add(row);
        }
        return rows;
    }

    /// <summary>The real samples when they sit beside the repository, else null (generated data is used).</summary>
    private static string? LocateSamples()
    {
        try
        {
            return Emporium.Testing.SampleData.Dir;
        }
        catch (DirectoryNotFoundException)
        {
            return null;
        }
    }
}
