using System.Diagnostics;
using System.Globalization;
using DuckDB.NET.Data;
using Emporium.Batch.Loading;
using Emporium.Datasets;
using Emporium.Demo;
using Emporium.Lake;
using Emporium.Lake.Local;
using Emporium.Warehouse.DuckDb;

namespace Emporium.Bench.Batch;

/// <summary><c>batch [--rows N] [--memory-only]</c>: loads a generated products CSV (default 1.4M rows, the asaniczka
/// size) into the warehouse plus clean Parquet with the batch loader, and, in the same run on the same file, DuckDB's
/// own <c>read_csv</c> into a table plus <c>COPY … (FORMAT parquet, COMPRESSION zstd)</c>. Reports both times, the
/// ratio, rows/s and the loader's peak working set. With --memory-only only the loader runs (for the 10× file).</summary>
public sealed class BatchBenchmarkSuite : IBenchmarkSuite
{
    public string Name => "batch";

    public string Description => "File load (warehouse + clean Parquet) vs DuckDB read_csv + COPY parquet; peak memory";

    public async Task<int> RunAsync(string[] args, CancellationToken ct)
    {
        var rows = Arg(args, "--rows", 1_400_000);
        var memoryOnly = args.Contains("--memory-only");
        var work = Path.Combine(Path.GetTempPath(), $"emporium-bench-batch-{Guid.NewGuid():N}");
        Directory.CreateDirectory(work);
        try
        {
            var csv = Path.Combine(work, "products.csv");
            var generate = Stopwatch.StartNew();
            DemoFileWriter.Write(DemoGenerators.Create("products", rows), rows, csv, null, ct);
            var size = new FileInfo(csv).Length;
            Console.WriteLine($"generated {rows:N0} products, {size / 1e6:N0} MB in {generate.Elapsed.TotalSeconds:N1} s");

            var ours = await LoadWithEmporiumAsync(csv, Path.Combine(work, "emporium"), ct);
            var peak = Process.GetCurrentProcess().PeakWorkingSet64;
            Console.WriteLine($"emporium load:  {ours.TotalSeconds,8:N1} s  {rows / ours.TotalSeconds,12:N0} rows/s  peak working set {peak / 1048576.0:N0} MiB");
            if (memoryOnly)
            {
                return 0;
            }
            var duck = DuckDbOwnPath(csv, Path.Combine(work, "duckdb"));
            Console.WriteLine($"duckdb own:     {duck.TotalSeconds,8:N1} s  {rows / duck.TotalSeconds,12:N0} rows/s");
            Console.WriteLine($"ratio duckdb/emporium time: {duck.TotalSeconds / ours.TotalSeconds:N2} (>= 1 means the loader is as fast or faster)");
            return 0;
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    private static async Task<TimeSpan> LoadWithEmporiumAsync(string csv, string dataDir, CancellationToken ct)
    {
        Directory.CreateDirectory(dataDir);
        await using var warehouse = new DuckDbWarehouse(new DuckDbWarehouseOptions { Path = Path.Combine(dataDir, "warehouse.duckdb") });
        await warehouse.InitializeAsync(DatasetCatalog.All, ct);
        var lake = new LocalLakeStore(Path.Combine(dataDir, "lake"));
        using var parquet = new ParquetWriter(Path.Combine(dataDir, "tmp"));
        var loader = new BatchLoader(warehouse, lake, parquet, RecordNormalizer.Instance, TimeProvider.System);
        var watch = Stopwatch.StartNew();
        var summary = await loader.LoadAsync([csv], new BatchLoadRequest(DatasetCatalog.Products), null, ct);
        watch.Stop();
        var file = summary.Files[0];
        if (file.Status != FileLoadStatus.Loaded)
        {
            throw new InvalidOperationException($"load failed: {file.Error}");
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
                CREATE TABLE products AS SELECT * FROM read_csv('{csv.Replace("'", "''")}', store_rejects = true);
                COPY products TO '{Path.Combine(dir, "products.parquet").Replace("'", "''")}' (FORMAT parquet, COMPRESSION zstd);
                """;
            cmd.ExecuteNonQuery();
        }
        return watch.Elapsed;
    }

    private static int Arg(string[] args, string name, int fallback)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
    }
}
