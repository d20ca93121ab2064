using Emporium.Datasets;
using Emporium.Lake;
using Emporium.Lake.Local;
using Emporium.Log;
using Emporium.Log.Embedded;
using Emporium.Processing;
using Emporium.Tests.TestSupport;
using Emporium.Warehouse;
using Emporium.Warehouse.DuckDb;
using Microsoft.Extensions.Logging;

namespace Emporium.Tests.Processing;

/// <summary>A data dir with the embedded log, the DuckDB warehouse, the local lake and a processor over them.
/// <see cref="RestartAsync"/> drops every in-memory object and reopens from disk, as a process restart would.</summary>
public sealed class ProcessingHarness : IAsyncDisposable
{
    private readonly TempDir _dir = new("processing");
    private readonly StreamProcessorOptions _options;
    private readonly Func<EmbeddedLogOptions, EmbeddedLogOptions> _logOptions;
    private readonly ILogger<StreamProcessor>? _logger;

    private ProcessingHarness(StreamProcessorOptions options, Func<EmbeddedLogOptions, EmbeddedLogOptions>? logOptions, ILogger<StreamProcessor>? logger)
    {
        _options = options;
        _logOptions = logOptions ?? (o => o);
        _logger = logger;
    }

    public EmbeddedEventLog Log { get; private set; } = null!;

    public DuckDbWarehouse Warehouse { get; private set; } = null!;

    public LocalLakeStore Lake { get; private set; } = null!;

    public StreamProcessor Processor { get; private set; } = null!;

    public string DataDir => _dir.Path;

    /// <param name="lakeFlushInterval">The processor's <see cref="StreamProcessorOptions.LakeFlushInterval"/>; default zero,
    /// so the lake is written after every batch and a test sees it at once.</param>
    /// <param name="logOptions">Changes to the embedded log's options (segment size, retention).</param>
    /// <param name="logger">The processor's logger.</param>
    public static async Task<ProcessingHarness> StartAsync(StreamProcessorOptions? options = null, TimeSpan? lakeFlushInterval = null,
        Func<EmbeddedLogOptions, EmbeddedLogOptions>? logOptions = null, ILogger<StreamProcessor>? logger = null)
    {
        var harness = new ProcessingHarness((options ?? new StreamProcessorOptions()) with
        {
            Partitions = 2,
            MaxWait = TimeSpan.FromMilliseconds(20),
            LakeFlushInterval = lakeFlushInterval ?? TimeSpan.Zero,
        }, logOptions, logger);
        await harness.OpenAsync();
        return harness;
    }

    private async Task OpenAsync()
    {
        Log = await EmbeddedEventLog.OpenAsync(_logOptions(new EmbeddedLogOptions { Directory = _dir.Combine("log"), DefaultPartitions = 2 }));
        Warehouse = new DuckDbWarehouse(new DuckDbWarehouseOptions { Path = _dir.Combine("warehouse.duckdb") });
        Lake = new LocalLakeStore(_dir.Combine("lake"));
        Processor = new StreamProcessor(Log, Warehouse, Lake, _options with { TempDirectory = _dir.Combine("tmp") }, logger: _logger);
        await Processor.InitializeAsync(CancellationToken.None);
        _open = true;
    }

    private bool _open;

    /// <summary>Closes everything without any cleanup of the processor's work and opens it again.</summary>
    public async Task RestartAsync()
    {
        await CloseAsync();
        await OpenAsync();
    }

    /// <summary>Closes the log, warehouse and processor (as a stopped server would leave the data dir), for commands
    /// run in other processes; disposing the harness afterwards only removes the folder.</summary>
    public Task StopAsync() => CloseAsync();

    private async Task CloseAsync()
    {
        if (!_open)
        {
            return;
        }
        _open = false;
        await Processor.DisposeAsync();
        await Warehouse.DisposeAsync();
        await Log.DisposeAsync();
    }

    public async Task AppendAsync(IEnumerable<CanonicalRecord> records)
    {
        foreach (var group in records.GroupBy(r => r.Schema.Name))
        {
            foreach (var chunk in group.Chunk(500))
            {
                await Log.AppendAsync(group.Key, chunk.Select(r => new LogMessage(r.Key, CanonicalJson.Serialize(r))).ToList(), CancellationToken.None);
            }
        }
    }

    /// <summary>Runs batches until every partition's committed position reaches the log's end.</summary>
    public async Task DrainAsync()
    {
        for (var i = 0; i < 10_000; i++)
        {
            await Processor.RunOnceAsync(CancellationToken.None);
            if ((await Processor.GetLagAsync(CancellationToken.None)).Values.All(v => v == 0))
            {
                return;
            }
        }
        throw new InvalidOperationException("processor did not catch up");
    }

    public async Task<List<object?[]>> QueryAsync(string sql) => [.. (await Warehouse.QueryAsync(sql, CancellationToken.None)).Rows];

    /// <summary>Rows of the visible (manifest-listed) files of a zone, read with DuckDB.</summary>
    public async Task<List<object?[]>> LakeRowsAsync(string dataset, string select = "*")
    {
        var files = await new LakeManifestStore(Lake).VisibleFilesAsync(dataset, LakeLayout.Clean, CancellationToken.None);
        if (files.Count == 0)
        {
            return [];
        }
        return LakeParquet.Query(files.Select(Lake.Resolve), select);
    }

    /// <summary>Lines of the visible raw files of a dataset.</summary>
    public async Task<List<string>> RawLinesAsync(string dataset)
    {
        var lines = new List<string>();
        foreach (var file in await new LakeManifestStore(Lake).VisibleFilesAsync(dataset, LakeLayout.Raw, CancellationToken.None))
        {
            lines.AddRange((await File.ReadAllLinesAsync(Lake.Resolve(file))).Where(l => l.Length > 0));
        }
        return lines;
    }

    /// <summary>Every data file on disk for a dataset, visible or not (to prove no leftovers).</summary>
    public IReadOnlyList<string> FilesOnDisk(string zone, string dataset)
    {
        var folder = Path.Combine(Lake.Root, zone, dataset);
        return Directory.Exists(folder)
            ? Directory.GetFiles(folder, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(Lake.Root, f).Replace('\\', '/')).Order().ToList()
            : [];
    }

    public async ValueTask DisposeAsync()
    {
        await CloseAsync();
        _dir.Dispose();
    }
}
