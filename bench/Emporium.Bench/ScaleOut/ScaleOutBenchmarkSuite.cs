using System.Diagnostics;
using System.Globalization;
using System.Text;
using Emporium.Batch.Formats;
using Emporium.Datasets;
using Emporium.Lake.Local;
using Emporium.Log;
using Emporium.Log.Embedded;
using Emporium.Processing;
using Emporium.Testing;
using Emporium.Warehouse;
using Emporium.Warehouse.DuckDb;
using Emporium.Warehouse.Postgres;
using Npgsql;

namespace Emporium.Bench.ScaleOut;

/// <summary><c>scaleout [--rounds N] [--batch 100,5000] [--out FILE]</c>: the PostgreSQL warehouse against the DuckDB
/// default on the real UCI orders (append) and McAuley reviews (upsert), all in one run on a PostgreSQL 15 the suite
/// starts itself. (1) Commit: <see cref="IWarehouse.CommitAsync"/> of the normalized records in batches, DuckDB vs
/// PostgreSQL with each <see cref="PostgresLoadMethod"/> (binary COPY, multi-row INSERT, single-row INSERT).
/// (2) Processing: the <see cref="StreamProcessor"/> draining the same records from the embedded log into each
/// warehouse, with and without the local lake. Every round gets a fresh warehouse; targets alternate within a round
/// so a load spike from other tenants hits all of them; one warmup round, then the median of N.</summary>
public sealed class ScaleOutBenchmarkSuite : IBenchmarkSuite
{
    public string Name => "scaleout";

    public string Description => "PostgreSQL vs DuckDB: commit and stream-processing records/s; binary COPY vs multi-row and single-row INSERT";

    public async Task<int> RunAsync(string[] args, CancellationToken ct)
    {
        var rounds = int.Parse(BenchStats.Arg(args, "--rounds") ?? "3", CultureInfo.InvariantCulture);
        var batchSizes = (BenchStats.Arg(args, "--batch") ?? "100,5000").Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToArray();
        var output = BenchStats.Arg(args, "--out") ?? BenchStats.DefaultResultsPath("scaleout");
        var loadBefore = BenchStats.LoadAverage();
        Console.WriteLine(BenchStats.DescribeMachine());

        var orders = await ReadSampleAsync(SampleData.OnlineRetail, DatasetCatalog.Orders, ct);
        var reviews = await ReadSampleAsync(SampleData.McAuleyReviews, DatasetCatalog.Reviews, ct);
        var samples = new Samples(orders, reviews);
        Console.WriteLine($"samples: {orders.Count:N0} UCI order lines, {reviews.Count:N0} McAuley reviews ({samples.DistinctReviews:N0} distinct ids)");

        var work = Path.Combine(Path.GetTempPath(), $"emporium-bench-scaleout-{Guid.NewGuid():N}");
        Directory.CreateDirectory(work);
        await using var postgres = new PostgresCluster(durable: true);
        try
        {
            await postgres.StartAsync();
            var run = new Run(postgres, work, samples);
            var report = new StringBuilder();
            foreach (var batch in batchSizes)
            {
                var commit = await MeasureAsync(rounds, run.CommitTargets(batch), ct);
                report.Append(Table($"Commit, batches of {batch:N0} records (`IWarehouse.CommitAsync`)", commit, ("DuckDB", 0), ("binary COPY", 1)));
            }
            var processing = await MeasureAsync(rounds, run.ProcessingTargets(), ct);
            report.Append(Table("Stream processing over the embedded log with the local lake (`StreamProcessor` defaults: raw NDJSON + clean Parquet + warehouse)", processing[..2], ("DuckDB", 0)));
            report.Append(Table("Stream processing over the embedded log, warehouse only (`WriteLake = false`)", processing[2..], ("DuckDB", 0)));

            var header = new StringBuilder()
                .AppendLine("# Scale-out warehouse: PostgreSQL vs DuckDB, binary COPY vs row inserts")
                .AppendLine()
                .AppendLine(CultureInfo.InvariantCulture, $"Machine: {BenchStats.DescribeMachine()}.")
                .AppendLine(CultureInfo.InvariantCulture, $"Load average (1 min) before the run {loadBefore}, after it {BenchStats.LoadAverage()}: other tenants share the cores, so compare ratios within this run, not absolute rates across runs.")
                .AppendLine(CultureInfo.InvariantCulture, $"Run: {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, `dotnet run -c Release --project bench/Emporium.Bench -- scaleout --rounds {rounds} --batch {string.Join(',', batchSizes)}`; one warmup round, then the median of {rounds} (min–max in brackets); targets alternate within each round; a fresh warehouse (new DuckDB file, new PostgreSQL database) per target and round.")
                .AppendLine(CultureInfo.InvariantCulture, $"Data per round: the real samples normalized once — {orders.Count:N0} UCI order lines (append) and {reviews.Count:N0} McAuley reviews (upsert on review_id, {samples.DistinctReviews:N0} distinct) = {samples.Total:N0} records.")
                .AppendLine("PostgreSQL 15 on loopback (TCP), started by the suite with `initdb` and its durable defaults (fsync, synchronous commit), data on the same local disk as DuckDB's file. Rates are records per second through the whole path named (commit: from the first commit to the last; processing: from the first fetch until every record is committed, log already filled); \"vs X\" divides by row X of the same table.")
                .AppendLine();
            var text = header.Append(report).ToString();
            Console.WriteLine();
            Console.WriteLine(text);
            if (output is not null)
            {
                await File.WriteAllTextAsync(output, text, ct);
                Console.WriteLine($"Written to {output} (add the verdict by hand)");
            }
            return 0;
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    private sealed record Samples(List<CanonicalRecord> Orders, List<CanonicalRecord> Reviews)
    {
        public int Total => Orders.Count + Reviews.Count;

        public int DistinctReviews => Reviews.Select(r => r.Key).Distinct(StringComparer.Ordinal).Count();
    }

    /// <summary>One configuration measured: a round returns records per second.</summary>
    private sealed record Target(string Label, Func<CancellationToken, Task<double>> Round);

    private sealed class Run(PostgresCluster postgres, string work, Samples samples)
    {
        private int _round;

        public IReadOnlyList<Target> CommitTargets(int batch) =>
        [
            new("DuckDB (default)", ct => CommitRoundAsync(() => DuckDbAsync(ct), batch, ct)),
            new("PostgreSQL, binary COPY (default)", ct => CommitRoundAsync(() => PostgresAsync(PostgresLoadMethod.BinaryCopy, ct), batch, ct)),
            new("PostgreSQL, multi-row INSERT", ct => CommitRoundAsync(() => PostgresAsync(PostgresLoadMethod.MultiRowInsert, ct), batch, ct)),
            new("PostgreSQL, single-row INSERT", ct => CommitRoundAsync(() => PostgresAsync(PostgresLoadMethod.SingleRowInsert, ct), batch, ct)),
        ];

        public IReadOnlyList<Target> ProcessingTargets() =>
        [
            new("DuckDB + local lake (default)", ct => ProcessRoundAsync(() => DuckDbAsync(ct), writeLake: true, ct)),
            new("PostgreSQL (COPY) + local lake", ct => ProcessRoundAsync(() => PostgresAsync(PostgresLoadMethod.BinaryCopy, ct), writeLake: true, ct)),
            new("DuckDB, no lake", ct => ProcessRoundAsync(() => DuckDbAsync(ct), writeLake: false, ct)),
            new("PostgreSQL (COPY), no lake", ct => ProcessRoundAsync(() => PostgresAsync(PostgresLoadMethod.BinaryCopy, ct), writeLake: false, ct)),
        ];

        private string NextDir()
        {
            var dir = Path.Combine(work, $"r{Interlocked.Increment(ref _round)}");
            Directory.CreateDirectory(dir);
            return dir;
        }

        private Task<IWarehouse> DuckDbAsync(CancellationToken ct) =>
            Task.FromResult<IWarehouse>(new DuckDbWarehouse(new DuckDbWarehouseOptions { Path = Path.Combine(NextDir(), "warehouse.duckdb") }));

        private async Task<IWarehouse> PostgresAsync(PostgresLoadMethod method, CancellationToken ct)
        {
            // The cluster's strings disable pooling (tests want isolation); a service keeps connections pooled.
            var connection = new NpgsqlConnectionStringBuilder(await postgres.CreateDatabaseAsync("bench", ct)) { Pooling = true }.ConnectionString;
            return new PostgresWarehouse(new PostgresWarehouseOptions { ConnectionString = connection, LoadMethod = method });
        }

        private async Task<double> CommitRoundAsync(Func<Task<IWarehouse>> open, int batch, CancellationToken ct)
        {
            await using var warehouse = await open();
            await warehouse.InitializeAsync(DatasetCatalog.All, ct);
            var watch = Stopwatch.StartNew();
            foreach (var records in new[] { samples.Orders, samples.Reviews })
            {
                var schema = records[0].Schema;
                var partition = new TopicPartition(schema.Name, 0);
                for (var start = 0; start < records.Count; start += batch)
                {
                    var rows = records.GetRange(start, Math.Min(batch, records.Count - start));
                    var end = start + rows.Count;
                    await warehouse.CommitAsync(new WarehouseBatch(
                        [new DatasetRows(schema, rows, $"log:{schema.Name}/0:{start}-{end - 1}")],
                        "bench", new Dictionary<TopicPartition, long> { [partition] = end }), ct);
                }
            }
            var rate = samples.Total / watch.Elapsed.TotalSeconds;
            await CheckAsync(warehouse, ct);
            return rate;
        }

        private async Task<double> ProcessRoundAsync(Func<Task<IWarehouse>> open, bool writeLake, CancellationToken ct)
        {
            var dir = NextDir();
            await using var log = await EmbeddedEventLog.OpenAsync(new EmbeddedLogOptions { Directory = Path.Combine(dir, "log"), DefaultPartitions = 2 }, ct: ct);
            foreach (var records in new[] { samples.Orders, samples.Reviews })
            {
                var topic = records[0].Schema.Name;
                await log.EnsureTopicAsync(topic, 2, ct);
                foreach (var chunk in records.Chunk(1_000))
                {
                    await log.AppendAsync(topic, chunk.Select(r => new LogMessage(r.Key, CanonicalJson.Serialize(r))).ToList(), ct);
                }
            }
            await using var warehouse = await open();
            var lake = new LocalLakeStore(Path.Combine(dir, "lake"));
            await using var processor = new StreamProcessor(log, warehouse, lake, new StreamProcessorOptions
            {
                Partitions = 2,
                WriteLake = writeLake,
                TempDirectory = Path.Combine(dir, "tmp"),
            });
            await processor.InitializeAsync(ct);
            var watch = Stopwatch.StartNew();
            var processed = 0L;
            while (processed < samples.Total)
            {
                processed += await processor.RunOnceAsync(ct);
                if (watch.Elapsed > TimeSpan.FromMinutes(5))
                {
                    throw new TimeoutException($"the processor drained only {processed} of {samples.Total} records in 5 minutes");
                }
            }
            var rate = samples.Total / watch.Elapsed.TotalSeconds;
            await CheckAsync(warehouse, ct);
            return rate;
        }

        /// <summary>A rate only counts if every record landed: all order lines, one row per review id.</summary>
        private async Task CheckAsync(IWarehouse warehouse, CancellationToken ct)
        {
            var row = (await warehouse.QueryAsync("SELECT (SELECT count(*) FROM orders), (SELECT count(*) FROM reviews)", ct)).Rows[0];
            var (ordersStored, reviewsStored) = (Convert.ToInt64(row[0], CultureInfo.InvariantCulture), Convert.ToInt64(row[1], CultureInfo.InvariantCulture));
            if (ordersStored != samples.Orders.Count || reviewsStored != samples.DistinctReviews)
            {
                throw new InvalidOperationException(
                    $"{warehouse.Describe}: {ordersStored} orders and {reviewsStored} reviews stored, expected {samples.Orders.Count} and {samples.DistinctReviews}");
            }
        }
    }

    private static async Task<List<(string Label, List<double> Rates)>> MeasureAsync(int rounds, IReadOnlyList<Target> targets, CancellationToken ct)
    {
        var results = targets.Select(t => (t.Label, Rates: new List<double>())).ToList();
        for (var round = -1; round < rounds; round++)
        {
            for (var i = 0; i < targets.Count; i++)
            {
                var rate = await targets[i].Round(ct);
                Console.WriteLine($"  {(round < 0 ? "warmup" : $"round {round + 1}")}  {targets[i].Label,-36} {rate,10:N0} records/s  (load {BenchStats.LoadAverage()})");
                if (round >= 0)
                {
                    results[i].Rates.Add(rate);
                }
            }
        }
        return results;
    }

    /// <summary>A markdown table of medians, with one ratio column per baseline (a row of the same table).</summary>
    private static string Table(string title, List<(string Label, List<double> Rates)> results, params (string Name, int Row)[] baselines)
    {
        var text = new StringBuilder()
            .AppendLine(CultureInfo.InvariantCulture, $"## {title}")
            .AppendLine()
            .AppendLine(CultureInfo.InvariantCulture, $"| target | records/s, median [min–max] |{string.Concat(baselines.Select(b => $" vs {b.Name} |"))}")
            .AppendLine(CultureInfo.InvariantCulture, $"|---|---:|{string.Concat(baselines.Select(_ => "---:|"))}");
        foreach (var (label, rates) in results)
        {
            var median = BenchStats.Median(rates);
            var ratios = string.Concat(baselines.Select(b => $" {median / BenchStats.Median(results[b.Row].Rates):F2}× |"));
            text.AppendLine(CultureInfo.InvariantCulture, $"| {label} | {median:N0} [{rates.Min():N0}–{rates.Max():N0}] |{ratios}");
        }
        return text.AppendLine().ToString();
    }

    /// <summary>Reads a sample with the batch loader's format detection and readers and normalizes it with the shared
    /// normalizer, keeping the valid records (the rejected ones would be quarantined, not committed).</summary>
    private static async Task<List<CanonicalRecord>> ReadSampleAsync(string path, DatasetSchema schema, CancellationToken ct)
    {
        var probe = await FileProbe.RunAsync(path, ct);
        var format = FormatDetector.Resolve(path, probe, FileFormat.Auto, _ => { });
        var records = new List<CanonicalRecord>();
        await foreach (var row in FormatDetector.ReaderFor(format).ReadAsync(new FormatInput(path, probe, ReadSettings.Default), ct))
        {
            var result = row.Error is not null ? null
                : row.Fields is { } fields ? RecordNormalizer.Instance.Normalize(schema, fields)
                : RecordNormalizer.Instance.Normalize(schema, row.Json);
            if (result?.Record is { } record)
            {
                records.Add(record);
            }
        }
        return records;
    }
}
