using System.Diagnostics;
using System.Globalization;
using DuckDB.NET.Data;
using Emporium.Batch.Loading;
using Emporium.Datasets;
using Emporium.Demo;
using Emporium.Lake;
using Emporium.Lake.Local;
using Emporium.Testing;
using Emporium.Warehouse.Postgres;
using Emporium.Warehouse.DuckDb;
using Npgsql;

namespace Emporium.Bench.Batch;

/// <summary><c>batch [--rows N] [--dataset products|orders] [--streaming] [--no-postgres]</c>: loads a generated CSV of
/// the dataset (default products, 1.4M rows, the asaniczka size; orders is an appended dataset) into the DuckDB warehouse plus clean Parquet with the batch loader and, in the same run on the
/// same file, (1) DuckDB's own <c>read_csv</c> into a table plus <c>COPY … (FORMAT parquet, COMPRESSION zstd)</c> and
/// (2) PostgreSQL 15 <c>COPY … FROM STDIN (FORMAT csv)</c> into a typed table on a server started for the run.
/// Reports times, ratios, rows/s and the load average around each step. <c>--streaming</c> also times the streaming
/// readers (the path before the DuckDB bulk path).
/// <para><c>batch --memory --rows N</c>: generates the file, then loads it in a child process and reports that
/// process's peak resident set (VmHWM), so generation does not count.</para></summary>
public sealed class BatchBenchmarkSuite : IBenchmarkSuite
{
    public string Name => "batch";

    public string Description => "File load vs DuckDB read_csv + COPY parquet and PostgreSQL COPY; peak memory (--memory)";

    public async Task<int> RunAsync(string[] args, CancellationToken ct)
    {
        if (Value(args, "--load-only") is { } only)
        {
            // The child of --memory: load one file, print the peak RSS.
            var elapsed = await LoadWithEmporiumAsync(only, DatasetCatalog.Products, Path.Combine(Path.GetDirectoryName(only)!, "emporium"), bulk: true, ct);
            Console.WriteLine($"loaded in {elapsed.TotalSeconds:N1} s; peak RSS {PeakRss() / 1048576.0:N0} MiB");
            return 0;
        }
        var rows = int.Parse(Value(args, "--rows") ?? "1400000", CultureInfo.InvariantCulture);
        var dataset = DatasetCatalog.All.Single(d => d.Name == (Value(args, "--dataset") ?? "products"));
        var work = Path.Combine(Path.GetTempPath(), $"emporium-bench-batch-{Guid.NewGuid():N}");
        Directory.CreateDirectory(work);
        try
        {
            Console.WriteLine(BenchStats.DescribeMachine());
            var csv = Path.Combine(work, $"{dataset.Name}.csv");
            var generate = Stopwatch.StartNew();
            DemoFileWriter.Write(DemoGenerators.Create(dataset.Name, rows), rows, csv, null, ct);
            Console.WriteLine($"generated {rows:N0} {dataset.Name}, {new FileInfo(csv).Length / 1e6:N0} MB in {generate.Elapsed.TotalSeconds:N1} s");
            if (args.Contains("--memory"))
            {
                return await MeasureMemoryAsync(csv, ct);
            }

            var ours = await TimedAsync("emporium load (bulk)", rows, () => LoadWithEmporiumAsync(csv, dataset, Path.Combine(work, "emporium"), bulk: true, ct));
            var duck = await TimedAsync("duckdb read_csv + COPY parquet", rows, () => Task.FromResult(DuckDbOwnPath(csv, Path.Combine(work, "duckdb"))));
            Console.WriteLine($"ratio duckdb time / emporium time: {duck.TotalSeconds / ours.TotalSeconds:N2} (>= 1: as fast or faster)");
            if (!args.Contains("--no-postgres"))
            {
                var pg = await TimedAsync("postgresql COPY (csv)", rows, () => PostgresCopyAsync(csv, dataset, ct));
                Console.WriteLine($"ratio postgres time / emporium time: {pg.TotalSeconds / ours.TotalSeconds:N2} (target >= 1.5)");
            }
            if (args.Contains("--streaming"))
            {
                var streaming = await TimedAsync("emporium load (streaming readers)", rows, () => LoadWithEmporiumAsync(csv, dataset, Path.Combine(work, "streaming"), bulk: false, ct));
                Console.WriteLine($"ratio streaming time / bulk time: {streaming.TotalSeconds / ours.TotalSeconds:N2}");
            }
            return 0;
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    private static async Task<TimeSpan> TimedAsync(string name, long rows, Func<Task<TimeSpan>> run)
    {
        var before = BenchStats.LoadAverage();
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var elapsed = await run();
        cpu = Process.GetCurrentProcess().TotalProcessorTime - cpu;
        Console.WriteLine($"{name,-36} {elapsed.TotalSeconds,8:N1} s {rows / elapsed.TotalSeconds,12:N0} rows/s  cpu {cpu.TotalSeconds,6:N1} s   load average before {before}, after {BenchStats.LoadAverage()}");
        return elapsed;
    }

    private static async Task<TimeSpan> LoadWithEmporiumAsync(string csv, DatasetSchema dataset, string dataDir, bool bulk, CancellationToken ct)
    {
        Directory.CreateDirectory(dataDir);
        await using var warehouse = new DuckDbWarehouse(new DuckDbWarehouseOptions { Path = Path.Combine(dataDir, "warehouse.duckdb") });
        await warehouse.InitializeAsync(DatasetCatalog.All, ct);
        var lake = new LocalLakeStore(Path.Combine(dataDir, "lake"));
        using var parquet = new ParquetWriter(Path.Combine(dataDir, "tmp"));
        var loader = new BatchLoader(warehouse, lake, parquet, RecordNormalizer.Instance, TimeProvider.System, new BatchLoaderOptions { Bulk = bulk });
        var watch = Stopwatch.StartNew();
        var summary = await loader.LoadAsync([csv], new BatchLoadRequest(dataset), null, ct);
        watch.Stop();
        var file = summary.Files[0];
        if (file.Status != FileLoadStatus.Loaded || file.Bulk != bulk)
        {
            throw new InvalidOperationException($"load failed or took the other path (bulk {file.Bulk}): {file.Error}");
        }
        Console.WriteLine($"  loaded {file.RowsLoaded:N0}, rejected {file.RowsRejected:N0}");
        return watch.Elapsed;
    }

    private static TimeSpan DuckDbOwnPath(string csv, string dir)
    {
        Directory.CreateDirectory(dir);
        using var connection = new DuckDBConnection($"Data Source={Path.Combine(dir, "own.duckdb")}");
        connection.Open();
        var watch = Stopwatch.StartNew();
        using (var cmd = connection.CreateCommand())
        {
            cmd.CommandText = $"""
                CREATE TABLE own AS SELECT * FROM read_csv('{csv.Replace("'", "''")}', store_rejects = true);
                COPY own TO '{Path.Combine(dir, "own.parquet").Replace("'", "''")}' (FORMAT parquet, COMPRESSION zstd);
                """;
            cmd.ExecuteNonQuery();
        }
        return watch.Elapsed;
    }

    /// <summary>PostgreSQL's own bulk path: the CSV streamed through <c>COPY FROM STDIN</c> into a typed table of the
    /// file's columns, on a server started for the run (the tests' shared cluster; fsync off, as for the tests).</summary>
    private static async Task<TimeSpan> PostgresCopyAsync(string csv, DatasetSchema schema, CancellationToken ct)
    {
        var server = new PostgresCluster();
        await server.StartAsync();
        try
        {
            await using var connection = new NpgsqlConnection(await server.CreateDatabaseAsync("bench", ct));
            await connection.OpenAsync(ct);
            // The generated file has the canonical columns, so the table is the dataset's, typed as the PostgreSQL
            // warehouse types it, with its key (if any).
            var columns = string.Join(", ", schema.Columns.Select(c => $"{c.Name} {PostgresSql.TypeOf(c.Type)}"));
            var key = schema.Key.Count > 0 ? $", PRIMARY KEY ({string.Join(", ", schema.Key)})" : "";
            await using (var create = new NpgsqlCommand($"CREATE TABLE {schema.Name} ({columns}{key})", connection))
            {
                await create.ExecuteNonQueryAsync(ct);
            }
            var watch = Stopwatch.StartNew();
            await using (var writer = await connection.BeginTextImportAsync($"COPY {schema.Name} FROM STDIN (FORMAT csv, HEADER true)", ct))
            using (var reader = new StreamReader(csv))
            {
                var buffer = new char[1 << 16];
                int n;
                while ((n = await reader.ReadAsync(buffer, ct)) > 0)
                {
                    await writer.WriteAsync(buffer.AsMemory(0, n), ct);
                }
            }
            return watch.Elapsed;
        }
        finally
        {
            await server.DisposeAsync();
        }
    }

    private static async Task<int> MeasureMemoryAsync(string csv, CancellationToken ct)
    {
        var self = Environment.ProcessPath ?? throw new InvalidOperationException("no process path");
        var psi = new ProcessStartInfo(self) { UseShellExecute = false };
        if (Path.GetFileNameWithoutExtension(self) == "dotnet")
        {
            psi.ArgumentList.Add(typeof(BatchBenchmarkSuite).Assembly.Location);
        }
        foreach (var a in new[] { "batch", "--load-only", csv })
        {
            psi.ArgumentList.Add(a);
        }
        var before = BenchStats.LoadAverage();
        using var child = Process.Start(psi) ?? throw new InvalidOperationException("could not start the loader");
        await child.WaitForExitAsync(ct);
        Console.WriteLine($"load average before {before}, after {BenchStats.LoadAverage()}");
        return child.ExitCode;
    }

    /// <summary>Peak resident set of this process (VmHWM), which unlike the working set counts native memory too.</summary>
    private static long PeakRss()
    {
        var line = File.ReadLines("/proc/self/status").First(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
        return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
    }

    private static string? Value(string[] args, string name)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }
}
