using Emporium.Batch.Loading;
using Emporium.Datasets;
using Emporium.Lake;
using Emporium.Lake.Local;
using Emporium.Tests.TestSupport;
using Emporium.Warehouse;
using Emporium.Warehouse.DuckDb;

namespace Emporium.Tests.Batch;

/// <summary>A real DuckDB warehouse, local lake and batch loader in a temp data dir.</summary>
internal sealed class BatchHarness : IAsyncDisposable
{
    private readonly TempDir dir = new("batch");

    private BatchHarness(BatchLoaderOptions? options, TimeProvider time, string? memoryLimit)
    {
        DataDir = dir.Path;
        var warehouse = new DuckDbWarehouseOptions { Path = Path.Combine(DataDir, "warehouse.duckdb") };
        Warehouse = new DuckDbWarehouse(memoryLimit is null ? warehouse : warehouse with { MemoryLimit = memoryLimit });
        LakeStore = new LocalLakeStore(Path.Combine(DataDir, "lake"));
        Parquet = new ParquetWriter(Path.Combine(DataDir, "tmp"));
        Loader = new BatchLoader(Warehouse, LakeStore, Parquet, RecordNormalizer.Instance, time, options);
    }

    public string DataDir { get; }

    public DuckDbWarehouse Warehouse { get; }

    public LocalLakeStore LakeStore { get; }

    public ParquetWriter Parquet { get; }

    public BatchLoader Loader { get; }

    public string Combine(params string[] parts) => dir.Combine(parts);

    /// <param name="memoryLimit">The warehouse's DuckDB buffer pool (default its own default).</param>
    public static async Task<BatchHarness> StartAsync(BatchLoaderOptions? options = null, TimeProvider? time = null, string? memoryLimit = null)
    {
        var harness = new BatchHarness(options, time ?? TimeProvider.System, memoryLimit);
        await harness.Warehouse.InitializeAsync(Emporium.Batch.Loading.LoadSpec.Loadable, CancellationToken.None);
        return harness;
    }

    public Task<LoadSummary> LoadAsync(DatasetSchema dataset, params string[] files) =>
        Loader.LoadAsync(files, new BatchLoadRequest(dataset), null, CancellationToken.None);

    public Task<LoadSummary> LoadAsync(BatchLoadRequest request, params string[] files) =>
        Loader.LoadAsync(files, request, null, CancellationToken.None);

    public async Task<List<object?[]>> RowsAsync(string sql) => [.. (await Warehouse.QueryAsync(sql, CancellationToken.None)).Rows];

    public async Task<long> CountAsync(string sql) => Convert.ToInt64((await RowsAsync(sql))[0][0], System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Visible (published) files of a dataset in a zone.</summary>
    public Task<IReadOnlyList<string>> VisibleAsync(string dataset, string zone) =>
        new LakeManifestStore(LakeStore).VisibleFilesAsync(dataset, zone, CancellationToken.None);

    public async ValueTask DisposeAsync()
    {
        await Warehouse.DisposeAsync();
        Parquet.Dispose();
        dir.Dispose();
    }
}
