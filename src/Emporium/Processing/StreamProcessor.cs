using Emporium.Datasets;
using Emporium.Lake;
using Emporium.Log;
using Emporium.Warehouse;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Emporium.Processing;

/// <summary>Consumes every dataset topic in micro-batches and lands each exactly once: rows and next offsets in one
/// warehouse transaction (the commit point of the marts), and, every <see cref="StreamProcessorOptions.LakeFlushInterval"/>,
/// what the warehouse committed meanwhile to the lake: raw NDJSON and clean Parquet under names derived from the offset
/// range, a pending manifest, the lake's next offsets in the warehouse under its own group (the lake's commit point),
/// then the published manifest. On start (and after any failure) <see cref="LakeRecovery"/> makes the lake agree with
/// its committed offsets and the processor re-reads from the log what the lake had not got, so a crash anywhere neither
/// loses nor duplicates a row. Backend-agnostic: it only sees <see cref="IEventLog"/>, <see cref="IWarehouse"/> and
/// <see cref="ILakeStore"/>.</summary>
public sealed partial class StreamProcessor : IAsyncDisposable
{
    private readonly IEventLog _log;
    private readonly IWarehouse _warehouse;
    private readonly ILakeStore _lake;
    private readonly StreamProcessorOptions _options;
    private readonly RecordHookRegistry _hooks;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Diagnostics.RecurringFailureLog _resyncFailures;
    private readonly Diagnostics.RecurringFailureLog _batchFailures;
    private readonly Dictionary<string, DatasetSchema> _schemas;
    private readonly LakeManifestStore _manifests;
    private readonly LakeRecovery _recovery;
    private readonly ParquetWriter _parquet;
    private readonly StreamLakeWriter _lakeWriter;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly HashSet<TopicPartition> _recovered = [];
    private readonly StatsCollector _stats = new();
    private readonly LakeBuffer _lakeBuffer;
    private readonly RetriedRecords? _retried;
    private readonly LakeCompactor? _compactor;
    private readonly ParquetWriter? _compactionParquet;
    private long _lastCompaction;
    private Task _compaction = Task.CompletedTask;
    private readonly SemaphoreSlim _compactionGate = new(1, 1);
    private Dictionary<TopicPartition, long> _positions = [];
    private ILogConsumer? _consumer;
    private CancellationTokenSource? _stopping;
    private Task? _loop;
    private volatile string? _failure;
    private DateTimeOffset _failingSince;

    public StreamProcessor(
        IEventLog log,
        IWarehouse warehouse,
        ILakeStore lake,
        StreamProcessorOptions? options = null,
        RecordHookRegistry? hooks = null,
        TimeProvider? time = null,
        ILogger<StreamProcessor>? logger = null)
    {
        _log = log;
        _warehouse = warehouse;
        _lake = lake;
        _options = options ?? new StreamProcessorOptions();
        _hooks = hooks ?? new RecordHookRegistry();
        _time = time ?? TimeProvider.System;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        _resyncFailures = new Diagnostics.RecurringFailureLog(_logger, "processor resynchronisation", _time);
        _batchFailures = new Diagnostics.RecurringFailureLog(_logger, "processor batch", _time);
        _schemas = _options.Datasets.ToDictionary(d => d.Name, StringComparer.Ordinal);
        _manifests = new LakeManifestStore(lake);
        _recovery = new LakeRecovery(lake, _manifests, _logger);
        var tempDirectory = _options.TempDirectory ?? Path.GetTempPath();
        Directory.CreateDirectory(tempDirectory);
        _parquet = new ParquetWriter(tempDirectory);
        _lakeWriter = new StreamLakeWriter(lake, _parquet, tempDirectory, _time);
        _lakeBuffer = new LakeBuffer(_options.LakeFlushInterval, _options.LakeMaxBufferedRecords, _time);
        _retried = (_options.DropRetriedRecords ?? log.MayRepeatTaggedAppends) ? new RetriedRecords(warehouse, _options.RetriedRecordWindow, _time) : null;
        if (_options.WriteLake && _options.Compaction.Enabled)
        {
            _options.Compaction.Validate();
            // Its own DuckDB, so a merge never waits for (or holds up) the flush's Parquet encoding; one thread, so a
            // background merge leaves the other cores to the batches.
            _compactionParquet = new ParquetWriter(tempDirectory, threads: 1);
            _compactor = new LakeCompactor(lake, _manifests, _compactionParquet, tempDirectory, _options.Compaction, _time);
        }
        _lastCompaction = _time.GetTimestamp();
    }

    /// <summary>The enrich/filter hooks; add to it before or while running.</summary>
    public RecordHookRegistry Hooks => _hooks;

    public StreamProcessorOptions Options => _options;

    /// <summary>Test seam: called with "committed" (a micro-batch committed to the warehouse, nothing of it in the lake
    /// yet), and, while the lake is written, "files" (files written, no pending manifest yet), "lake" (files and
    /// pending manifests written, the lake's positions not committed) and "lake-committed" (committed, manifests not
    /// yet published); while compacting, "compaction-merged" (merged files and pending manifest written) and
    /// "compaction-published" (the merge published, its inputs not yet deleted). Throwing there simulates a crash.</summary>
    internal Action<string>? FaultInjection { get; set; }

    /// <summary>Prepares topics, tables and positions, recovers the lake, and starts the consuming loop.</summary>
    public async Task StartAsync(CancellationToken ct)
    {
        if (_loop is not null)
        {
            throw new InvalidOperationException("the processor is already running");
        }
        Exception? notReady = null;
        try
        {
            await InitializeAsync(ct).ConfigureAwait(false);
        }
        catch (Exception e) when (!ct.IsCancellationRequested)
        {
            // A backend checked at start-up that went away since (PostgreSQL restarting) took the whole server down
            // with it: the loop retries the start as it retries a batch, and /health says why meanwhile.
            notReady = e;
        }
        _stopping = new CancellationTokenSource();
        var stopping = _stopping.Token;
        _loop = Task.Run(async () =>
        {
            if (notReady is null || await RetryStartAsync(notReady, stopping).ConfigureAwait(false))
            {
                await RunAsync(stopping).ConfigureAwait(false);
            }
        }, CancellationToken.None);
    }

    /// <summary>Retries <see cref="InitializeAsync"/> with the batches' back-off until it succeeds (true) or the
    /// processor stops (false).</summary>
    private async Task<bool> RetryStartAsync(Exception first, CancellationToken ct)
    {
        var failing = new FailureStreak();
        var startFailures = new Diagnostics.RecurringFailureLog(_logger, "processor start", _time);
        for (var e = first; ; )
        {
            try
            {
                await Task.Delay(Failed(e, failing, "start", startFailures), _time, ct).ConfigureAwait(false);
                await InitializeAsync(ct).ConfigureAwait(false);
                _failure = null;
                startFailures.Succeeded();
                return true;
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return false;
            }
            catch (Exception again)
            {
                e = again;
            }
        }
    }

    /// <summary>Counts a failure where <c>/health</c> and the metrics see it, logs it (its stack trace once per kind
    /// of failure: a warehouse down for an hour is one error, not thousands) and returns the pause before the next try.</summary>
    private TimeSpan Failed(Exception e, FailureStreak failing, string what, Diagnostics.RecurringFailureLog log)
    {
        // The warehouse's own words name it ("postgres://… does not answer: …"); the lake's failures name it already.
        var reason = _warehouse.DescribeOutage(e) ?? e.Message;
        _stats.Failed(reason);
        var delay = failing.Next(_options.RetryDelay, _options.MaxRetryDelay);
        if (failing.Count == 1)
        {
            _failingSince = _time.GetUtcNow();
        }
        _failure = $"{what} failing since {_failingSince:O} ({failing.Count} in a row), retrying: {reason}";
        log.Failed(e, $"retrying in {delay}", LogLevel.Error);
        return delay;
    }

    /// <summary>Everything <see cref="StartAsync"/> does except starting the loop (tests drive batches themselves
    /// with <see cref="RunOnceAsync"/>).</summary>
    public async Task InitializeAsync(CancellationToken ct)
    {
        foreach (var schema in _options.Datasets)
        {
            await _log.EnsureTopicAsync(schema.Name, _options.Partitions, ct).ConfigureAwait(false);
        }
        // The dead letters' table too, even when this processor does not land their topic: records the warehouse
        // refuses are kept there.
        var tables = _options.Datasets.Any(d => d.Name == DatasetCatalog.DeadLetters.Name) ? _options.Datasets : [.. _options.Datasets, DatasetCatalog.DeadLetters];
        await _warehouse.InitializeAsync(tables, ct).ConfigureAwait(false);
        _consumer ??= _log.OpenConsumer(_options.Group, _options.Datasets.Select(d => d.Name).ToArray());
        await ResyncAsync(ct).ConfigureAwait(false);
    }

    /// <summary>Stops after the batch in flight (which either commits or is rolled back as a whole), then writes what
    /// the lake has not got yet, so a clean stop leaves the lake as complete as the warehouse.</summary>
    public async Task StopAsync(CancellationToken ct)
    {
        if (_loop is null || _stopping is null)
        {
            return;
        }
        await _stopping.CancelAsync().ConfigureAwait(false);
        try
        {
            await _loop.WaitAsync(ct).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
        }
        _loop = null;
        _stopping.Dispose();
        _stopping = null;
        await _compaction.ConfigureAwait(false); // (it ends on the loop's token, and logs its own failures)
        try
        {
            await FlushLakeAsync(ct).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // The host's shutdown time ran out (a loaded machine): the host must still finish disposing, and nothing
            // is lost, as the next start re-reads these ranges from the log for the lake.
            _logger.LogWarning("the stop's time ran out before the lake's last records were written; the next start writes them");
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Nothing is lost: the next start re-reads these ranges from the log for the lake.
            _logger.LogWarning(e, "could not write the lake's last records on stop; the next start writes them");
        }
    }

    private async Task RunAsync(CancellationToken ct)
    {
        var limit = _options.MaxBatchRecords;
        var failing = new FailureStreak();
        while (!ct.IsCancellationRequested)
        {
            try
            {
                var started = _time.GetTimestamp();
                var landed = await RunOnceAsync(limit, ct).ConfigureAwait(false);
                if (failing.Count > 0)
                {
                    _failure = null;
                    _batchFailures.Succeeded();
                    failing = new FailureStreak();
                }
                // A full batch means a backlog: the next one may be twice as large, up to the catch-up limit; any
                // batch that is not full returns to the normal size (and, while caught up, to the batch interval).
                var behind = landed >= limit;
                limit = behind ? Math.Max(_options.MaxBatchRecords, Math.Min(limit * 2, _options.MaxCatchUpBatchRecords)) : _options.MaxBatchRecords;
                var rest = _options.MinBatchInterval - _time.GetElapsedTime(started);
                if (landed > 0 && !behind && rest > TimeSpan.Zero)
                {
                    await Task.Delay(rest, _time, ct).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (OffsetConflictException e)
            {
                // Someone else moved our positions (a replay, or a new owner after a rebalance): start over from
                // what the warehouse says.
                _logger.LogInformation("processor positions moved underneath it ({Reason}); resynchronising", e.Message);
                await ResyncSafelyAsync(ct).ConfigureAwait(false);
            }
            catch (Exception e)
            {
                var delay = Failed(e, failing, "batches", _batchFailures);
                try
                {
                    await Task.Delay(delay, _time, ct).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
                await ResyncSafelyAsync(ct).ConfigureAwait(false);
            }
        }
    }

    private async Task ResyncSafelyAsync(CancellationToken ct)
    {
        try
        {
            await _gate.WaitAsync(ct).ConfigureAwait(false);
            try
            {
                await ResyncAsync(ct).ConfigureAwait(false);
                _resyncFailures.Succeeded();
            }
            finally
            {
                _gate.Release();
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            _resyncFailures.Failed(e, "will retry", LogLevel.Error);
        }
    }

    /// <summary>Reloads positions from the warehouse and recovers the lake of every owned partition.</summary>
    private async Task ResyncAsync(CancellationToken ct)
    {
        _recovered.Clear();
        await RecoverAssignedAsync(reloadAll: true, ct).ConfigureAwait(false);
    }

    /// <summary>Recovers partitions this member owns but has not recovered yet (all of them after a start; the
    /// new ones after a Kafka rebalance). Partitions owned by other members are never touched. A newly owned
    /// partition starts from the position the warehouse holds now, not from what this member last saw: another
    /// member may have advanced it meanwhile, and recovering the lake from a stale position would withdraw ranges
    /// that member committed.</summary>
    private async Task RecoverAssignedAsync(bool reloadAll, CancellationToken ct)
    {
        var assignment = (_consumer?.Assignment ?? []).Where(tp => _schemas.ContainsKey(tp.Topic)).ToHashSet();
        // A partition that left this member is forgotten, so if it comes back it is reloaded and recovered again.
        _recovered.IntersectWith(assignment);
        _lakeBuffer.Retain(assignment);
        var fresh = assignment.Where(tp => !_recovered.Contains(tp)).ToList();
        if (!reloadAll && fresh.Count == 0)
        {
            return;
        }
        var stored = await _warehouse.GetOffsetsAsync(_options.Group, ct).ConfigureAwait(false);
        if (reloadAll)
        {
            _positions = stored.Where(kv => _schemas.ContainsKey(kv.Key.Topic)).ToDictionary();
        }
        else
        {
            foreach (var tp in fresh)
            {
                if (stored.TryGetValue(tp, out var offset))
                {
                    _positions[tp] = offset;
                }
                else
                {
                    _positions.Remove(tp);
                }
            }
        }
        if (_options.WriteLake)
        {
            _lakeBuffer.Reset(await LoadLakePositionsAsync(fresh, ct).ConfigureAwait(false));
        }
        foreach (var group in fresh.GroupBy(tp => tp.Topic))
        {
            if (_options.WriteLake)
            {
                await _recovery.RecoverAsync(_schemas[group.Key], group.Select(tp => tp.Partition).ToHashSet(), _lakeBuffer.Committed, ct).ConfigureAwait(false);
            }
            _recovered.UnionWith(group);
        }
        _stats.SetPositions(_positions);
        _stats.Lake(0, _lakeBuffer.Count, _lakeBuffer.Committed);
    }

    /// <summary>Partitions this processor owns now: all of them on the embedded log; with Kafka its share of the
    /// group's, which moves on rebalance (e.g. to the survivors when a processor dies).</summary>
    public IReadOnlyCollection<TopicPartition> Assignment => _consumer?.Assignment ?? [];

    /// <summary>Why batches fail now (since when, how many in a row, the last reason, naming the backend), or null
    /// while they land: a processor retrying against a backend that is down does no work, which <c>/health</c> says.</summary>
    public string? Failure => _failure;

    /// <summary>Current statistics.</summary>
    public ProcessorStats Stats => _stats.Snapshot();

    /// <summary>Entries appended but not yet committed, per partition.</summary>
    public async Task<IReadOnlyDictionary<TopicPartition, long>> GetLagAsync(CancellationToken ct)
    {
        var positions = _positions;
        var lag = new Dictionary<TopicPartition, long>();
        foreach (var schema in _options.Datasets)
        {
            foreach (var (tp, end) in await _log.GetEndOffsetsAsync(schema.Name, ct).ConfigureAwait(false))
            {
                lag[tp] = Math.Max(0, end - positions.GetValueOrDefault(tp, 0));
            }
        }
        return lag;
    }

    /// <summary>Rewinds a dataset's positions (see <see cref="ReplayService"/>) while the loop is paused, then
    /// continues from the new positions.</summary>
    public async Task<IReadOnlyList<ReplayResult>> ReplayAsync(DatasetSchema schema, long fromOffset, int? partition, CancellationToken ct)
    {
        await _gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            var results = await new ReplayService(_warehouse, _lake, _log, _logger)
                .ReplayAsync(_options.Group, schema, fromOffset, partition, ct).ConfigureAwait(false);
            await ResyncAsync(ct).ConfigureAwait(false);
            return results;
        }
        finally
        {
            _gate.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync(CancellationToken.None).ConfigureAwait(false);
        // A pass started by batches run outside the loop (tests) is not cancelled by a stop; it ends by itself.
        await _compaction.ConfigureAwait(false);
        if (_consumer is not null)
        {
            await _consumer.DisposeAsync().ConfigureAwait(false);
            _consumer = null;
        }
        _parquet.Dispose();
        _compactionParquet?.Dispose();
    }
}
